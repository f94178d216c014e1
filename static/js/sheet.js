// The invitation sheet: a "copy" button next to each link (the page works without it).
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const label = button.querySelector(".state");
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      label.textContent = " ✓";
    } catch {
      // Clipboard refused (not a secure context): select the link so Ctrl+C works.
      const link = button.closest(".invite").querySelector(".link a");
      const range = document.createRange();
      range.selectNodeContents(link);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      label.textContent = " (Ctrl+C)";
    }
  });
}
