// Filters of the lheo report: severity, rule, text. One index is built at load (the
// finding's severity, rule and group) and, at the first text search, the lower-cased text of
// each finding with its record's heading. Nothing is fetched.
(function () {
  "use strict";
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.group"));
  var groupOf = new Int32Array(findings.length);
  groups.forEach(function (g, gi) {
    var inside = g.querySelectorAll(".finding");
    for (var k = 0; k < inside.length; k++) inside[k].dataset.g = gi;
  });
  findings.forEach(function (f, i) { groupOf[i] = f.dataset.g === undefined ? -1 : +f.dataset.g; });
  var texts = null;
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=sev]"));
  var rule = document.getElementById("rule");
  var text = document.getElementById("text");
  var visible = document.getElementById("visible");
  var nothing = document.getElementById("nothing");

  function buildTexts() {
    var heads = groups.map(function (g) {
      var s = g.querySelector("summary");
      return s ? s.textContent.toLowerCase() : "";
    });
    texts = findings.map(function (f, i) {
      var g = groupOf[i];
      return (g >= 0 ? heads[g] + "\n" : "") + f.textContent.toLowerCase();
    });
  }

  function apply(openMatches) {
    var sev = {};
    boxes.forEach(function (b) { sev[b.value] = b.checked; });
    var r = rule.value;
    var t = text.value.trim().toLowerCase();
    if (t && !texts) buildTexts();
    var shownIn = new Int32Array(groups.length);
    var n = 0;
    for (var i = 0; i < findings.length; i++) {
      var f = findings[i];
      var show = sev[f.dataset.s] && (!r || f.dataset.r === r) && (!t || texts[i].indexOf(t) >= 0);
      if (f.hidden === show) f.hidden = !show;
      if (show) {
        n++;
        if (groupOf[i] >= 0) shownIn[groupOf[i]]++;
      }
    }
    var opened = 0;
    groups.forEach(function (g, gi) {
      var hide = shownIn[gi] === 0;
      if (g.hidden !== hide) g.hidden = hide;
      // A narrowed search opens what it found (the first sections, to stay fast).
      if (openMatches && !hide && opened < 200) { g.open = true; opened++; }
    });
    visible.value = n;
    nothing.hidden = n > 0 || findings.length === 0;
  }

  var timer = null;
  boxes.forEach(function (b) { b.addEventListener("change", function () { apply(false); }); });
  rule.addEventListener("change", function () { apply(!!rule.value); });
  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { apply(!!text.value.trim()); }, 150);
  });
  document.getElementById("open-all").addEventListener("click", function () {
    groups.forEach(function (g) { if (!g.hidden) g.open = true; });
  });
  document.getElementById("close-all").addEventListener("click", function () {
    groups.forEach(function (g) { g.open = false; });
  });

  function reveal(id) {
    var el = id && document.getElementById(id);
    if (!el) return;
    var d = el.closest("details");
    if (d) { d.hidden = false; d.open = true; }
    el.hidden = false;
  }

  // A rule's link in the table: show that rule's findings, then go to the first one.
  Array.prototype.forEach.call(document.querySelectorAll("a.rule-link"), function (a) {
    a.addEventListener("click", function () {
      rule.value = a.dataset.rule;
      boxes.forEach(function (b) { b.checked = true; });
      apply(true);
      reveal(a.getAttribute("href").slice(1));
    });
  });
  window.addEventListener("hashchange", function () { reveal(location.hash.slice(1)); });
  reveal(location.hash.slice(1));
  apply(false);
})();
