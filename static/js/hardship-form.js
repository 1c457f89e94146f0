// The hardship file form: income per head follows income and household size (to the fen), and
// the category the county's minimum living standard suggests is shown (the server checks both).
(function () {
  var form = document.getElementById("file-form");
  if (!form) { return; }
  var income = form.querySelector("[name=monthly_income]");
  var size = form.querySelector("[name=household_size]");
  var perHead = form.querySelector("[name=income_per_head]");
  var hint = document.getElementById("category-suggestion");
  var standard = parseFloat(form.dataset.standard || "");
  function update() {
    var total = parseFloat(income.value), people = parseInt(size.value, 10);
    if (!(total >= 0) || !(people >= 1)) { return; }
    var value = Math.round((total / people) * 100) / 100;
    perHead.value = value.toFixed(2);
    if (standard > 0 && hint) {
      var label = value < standard ? form.dataset.deep : (value < 2 * standard ? form.dataset.relative : form.dataset.none);
      hint.textContent = form.dataset.suggestText.replace("{standard}", standard.toFixed(2)).replace("{category}", label);
    }
  }
  income.addEventListener("input", update);
  size.addEventListener("input", update);
})();
