// Search page: Pagefind's JS API over the bundle built into our own /pagefind/ folder.
// A large site's index comes in parts (pagefind/parts.json, written by kp_search), merged
// into one search that shares the first part's program (Pagefind's mergeIndex). Parts are
// merged by path, not URL: given a URL, Pagefind's worker makes their result links absolute.
// parts.json is revalidated like Pagefind's own entry file, which it fetches with ?ts=now:
// after a deploy the parts it lists are new.
// Without JavaScript the page shows a link to the archives instead of a dead form.
const root = document.querySelector("[data-search]");

if (root) {
  const form = root.querySelector("[data-search-form]");
  const input = form.querySelector("input[name=q]");
  const status = root.querySelector("[data-search-status]");
  const list = root.querySelector("[data-search-results]");
  root.querySelector("[data-search-nojs]").hidden = true;
  form.hidden = false;

  const load = async () => {
    const bundle = new URL(root.dataset.searchBundle, document.baseURI);
    const [pagefind, { parts }] = await Promise.all([
      import(bundle.href),
      fetch(new URL("parts.json", bundle), { cache: "no-cache" }).then((r) => r.json()),
    ]);
    await pagefind.init();
    await Promise.all(parts.map((part) => pagefind.mergeIndex(new URL(part, bundle).pathname)));
    return pagefind;
  };
  let engine; // one load, shared by overlapping searches
  const ready = () => (engine ??= load());

  // Pagefind's excerpt is HTML with <mark> around matches: keep only text and <mark>.
  const excerpt = (html) => {
    const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
    const out = document.createElement("p");
    out.className = "search__excerpt";
    for (const node of doc.body.firstChild.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.append(mark);
      } else {
        out.append(node.textContent);
      }
    }
    return out;
  };

  const run = async (query) => {
    list.replaceChildren();
    if (!query.trim()) {
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    try {
      const search = await (await ready()).search(query);
      const pages = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
      for (const page of pages) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = page.url;
        link.textContent = page.meta?.title || page.url;
        const heading = document.createElement("h2");
        heading.append(link);
        item.append(heading, excerpt(page.excerpt));
        list.append(item);
      }
      const count = search.results.length;
      status.textContent =
        count === 0
          ? `No posts match “${query}”.`
          : `${count} post${count === 1 ? " matches" : "s match"} “${query}”.`;
    } catch (error) {
      engine = null; // loaded again by the next search
      status.textContent = "Search could not load. Try the archives instead.";
      console.error(error);
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input.value;
    const url = new URL(location.href);
    url.searchParams.set("q", query);
    history.replaceState(null, "", url);
    run(query);
  });

  const initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
}
