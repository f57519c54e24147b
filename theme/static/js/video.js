// Click-to-load video (partials/video.html): nothing is requested from YouTube or Vimeo
// until the reader presses the play button; then the player replaces our poster and takes
// the keyboard focus, so keyboard and screen-reader users land in it.
for (const frame of document.querySelectorAll("[data-kp-video]")) {
  const button = frame.querySelector("[data-kp-video-play]");
  if (!button) continue;
  button.hidden = false;
  button.addEventListener(
    "click",
    () => {
      const iframe = document.createElement("iframe");
      iframe.src = frame.dataset.embed;
      iframe.title = frame.dataset.title;
      iframe.className = "kp-video__iframe";
      iframe.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      iframe.allowFullscreen = true;
      iframe.referrerPolicy = "strict-origin-when-cross-origin";
      frame.replaceChildren(iframe);
      frame.classList.add("kp-video__frame--playing");
      iframe.focus();
    },
    { once: true },
  );
}
