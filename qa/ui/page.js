// A click on a citation marker [n] in the chat opens that citation's passage in the sources panel.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href*="#cite-"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const entry = document.getElementById(link.getAttribute("href").split("#")[1]);
  if (!entry) return;
  document.querySelectorAll("details.qa-cite[open]").forEach((d) => { if (d !== entry) d.open = false; });
  entry.open = true;
  entry.scrollIntoView({ block: "nearest", behavior: "smooth" });
  entry.classList.add("qa-flash");
  setTimeout(() => entry.classList.remove("qa-flash"), 1200);
}, true);
