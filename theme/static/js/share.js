// Copy-link and native-share buttons for partials/share.html.
// The buttons are `hidden` in the HTML; each is revealed only when its API exists, so readers
// without JavaScript (or without the API) never see a button that does nothing.
for (const box of document.querySelectorAll("[data-share]")) {
  const url = box.dataset.shareUrl;
  const title = box.dataset.shareTitle;
  const status = box.querySelector("[data-share-status]");
  const say = (text) => {
    if (status) status.textContent = text;
  };

  const copy = box.querySelector("[data-share-copy]");
  if (copy && navigator.clipboard?.writeText) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(url);
        say("Link copied.");
      } catch {
        say("Could not copy the link. Select the address bar and copy it instead.");
      }
    });
  }

  const native = box.querySelector("[data-share-native]");
  if (native && navigator.share) {
    native.hidden = false;
    native.addEventListener("click", async () => {
      try {
        await navigator.share({ title, url });
      } catch (error) {
        if (error && error.name !== "AbortError") say("Sharing is not available here.");
      }
    });
  }
}
