// Gallery lightbox (partials/gallery.html): progressive enhancement of plain links.
// A click on a thumbnail opens the gallery's native <dialog> (modal: the page behind is
// inert) instead of following the link. Focus stays inside while it is open and goes back
// to the thumbnail when it closes; Escape closes (native), arrow keys and swipes move on,
// and the status line (the dialog's description, a polite live region) says where we are.
for (const gallery of document.querySelectorAll("[data-kp-gallery]")) {
  const dialog = gallery.querySelector("dialog");
  if (!dialog?.showModal) continue;
  const links = [...gallery.querySelectorAll(".kp-gallery__link")];
  const image = dialog.querySelector(".kp-lightbox__img");
  const status = dialog.querySelector(".kp-lightbox__status");
  const close = dialog.querySelector(".kp-lightbox__close");
  let index = 0;
  let opener = null;

  const show = (next) => {
    index = (next + links.length) % links.length;
    const link = links[index];
    const thumb = link.querySelector("img");
    image.width = link.dataset.width;
    image.height = link.dataset.height;
    // Set the candidates before src, so the browser fetches one image, not two.
    if (link.dataset.srcset) {
      image.sizes = "100vw";
      image.srcset = link.dataset.srcset;
    } else {
      image.removeAttribute("srcset");
    }
    image.src = link.getAttribute("href");
    image.alt = thumb ? thumb.alt : "";
    const caption = link.dataset.caption ? `${link.dataset.caption} ` : "";
    status.textContent = `${caption}Photo ${index + 1} of ${links.length}.`;
  };

  links.forEach((link, position) => {
    link.addEventListener("click", (event) => {
      // Let modified clicks (new tab, download) do what the reader asked for.
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      opener = link;
      show(position);
      dialog.showModal();
      close.focus();
    });
  });

  dialog.querySelector(".kp-lightbox__prev").addEventListener("click", () => show(index - 1));
  dialog.querySelector(".kp-lightbox__next").addEventListener("click", () => show(index + 1));
  close.addEventListener("click", () => dialog.close());
  // A click on the backdrop (the dialog element itself, outside its content) closes it.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener("close", () => {
    if (opener) opener.focus();
    opener = null;
  });

  dialog.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      event.preventDefault();
      show(index + (event.key === "ArrowRight" ? 1 : -1));
    } else if (event.key === "Tab") {
      // Keep Tab inside the dialog (the browser would otherwise move on to its own UI).
      const focusable = [...dialog.querySelectorAll("button")];
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  });

  // Swipe: a mostly horizontal touch or pen movement of 40 px or more.
  let start = null;
  dialog.addEventListener("pointerdown", (event) => {
    start = event.pointerType === "mouse" ? null : { x: event.clientX, y: event.clientY };
  });
  dialog.addEventListener("pointerup", (event) => {
    if (!start) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    start = null;
    if (Math.abs(dx) >= 40 && Math.abs(dx) > Math.abs(dy)) show(index + (dx < 0 ? 1 : -1));
  });
  dialog.addEventListener("pointercancel", () => {
    start = null;
  });
}
