// Rich-text sections: each editable area writes its HTML into the form field before saving
// (the server sanitises it).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches || !form.matches("#review-form")) return;
  form.querySelectorAll("[data-block]").forEach((area) => {
    const input = form.querySelector(`input[name="block:${area.dataset.block}"]`);
    if (input) input.value = area.innerHTML;
  });
});
