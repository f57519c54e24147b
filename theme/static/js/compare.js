// Before/after comparisons (partials/compare.html): progressive enhancement of figures
// that already show both images. The range input is the control (keyboard, touch and
// screen readers work natively); its value drives one custom property, --kp-pos.
for (const figure of document.querySelectorAll(".kp-compare")) {
  const range = figure.querySelector(".kp-compare__range");
  if (!range) continue;
  const show = () => figure.style.setProperty("--kp-pos", range.value);
  range.addEventListener("input", show);
  show();
  range.hidden = false;
  figure.classList.add("kp-compare--slider");
}
// The overlays ("what changed", "face map") need no script: radio buttons and CSS.
