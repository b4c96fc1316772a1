// The sources panel holds one section per answer. A click on a citation marker [n] shows that answer's
// section and opens the passage; a click on an earlier answer (or its confidence line) shows its section.
function qaShowTurn(turn) {
  let shown = null;
  document.querySelectorAll("#qa-sources section.qa-turn").forEach((section) => {
    section.hidden = section.id !== `turn-${turn}`;
    if (!section.hidden) shown = section;
  });
  return shown;
}

function qaTurnOf(link) {
  const found = /#(?:cite|turn)-(\d+)/.exec(link.getAttribute("href") || "");
  return found ? found[1] : null;
}

document.addEventListener("click", (event) => {
  if (!event.target.closest) return;
  const link = event.target.closest('a[href*="#cite-"], a[href*="#turn-"]');
  const bubble = link ? null : event.target.closest('[data-testid="bot"], .message.bot');
  const target = link || (bubble && bubble.querySelector('a[href*="#cite-"], a[href*="#turn-"]'));
  if (!target) return;
  const turn = qaTurnOf(target);
  if (turn === null) return;
  if (link) {
    event.preventDefault();
    event.stopPropagation();
  }
  const section = qaShowTurn(turn);
  if (!link || !link.getAttribute("href").includes("#cite-")) {
    if (section) section.scrollIntoView({ block: "nearest", behavior: "smooth" });
    return;
  }
  const entry = document.getElementById(link.getAttribute("href").split("#")[1]);
  if (!entry) return;
  document.querySelectorAll("details.qa-cite[open]").forEach((d) => { if (d !== entry) d.open = false; });
  entry.open = true;
  entry.scrollIntoView({ block: "nearest", behavior: "smooth" });
  entry.classList.add("qa-flash");
  setTimeout(() => entry.classList.remove("qa-flash"), 1200);
}, true);
