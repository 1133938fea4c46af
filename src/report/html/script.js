// tvcheck report: sorting and filtering of the findings tables. The page is complete without
// this script (every row shown, grouped by entry and rule); the script only adds controls, sets
// `hidden` on rows and groups and reorders rows. It reads the report only from data-* attributes
// and text the page already shows, and writes no markup. The URL fragment holds the filters
// (#verdict=violation&policy=lt-5g&site=Vilnius&vendor=zte&sort=-deadline), so a filtered view
// can be linked. Written without the less-than sign, so that no part of it reads as a tag.
(function () {
  "use strict";
  var section = document.getElementById("findings");
  var rows = section ? Array.prototype.slice.call(section.querySelectorAll("tr.finding")) : [];
  var KEYS = ["location", "asset", "vendor", "model", "rule", "verdict", "deadline", "reason"];
  var VERDICTS = ["violation", "review", "waived", "ok"];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function distinct(attr) {
    var seen = {};
    var out = [];
    rows.forEach(function (r) {
      var v = r.getAttribute(attr) || "";
      if (v !== "" && !seen[v]) { seen[v] = true; out.push(v); }
    });
    return out.sort();
  }

  function labelled(text, control) {
    var l = el("label", {}, text + " ");
    l.appendChild(control);
    return l;
  }

  function select(name, values) {
    var s = el("select", { name: name, id: "filter-" + name });
    s.appendChild(el("option", { value: "" }, "all"));
    values.forEach(function (v) { s.appendChild(el("option", { value: v }, v)); });
    return s;
  }

  if (rows.length === 0) {
    document.documentElement.setAttribute("data-script", "ready");
    return;
  }

  var present = distinct("data-verdict");
  var controls = {
    verdict: select("verdict", VERDICTS.filter(function (v) { return present.indexOf(v) !== -1; })),
    policy: select("policy", distinct("data-policy")),
    site: el("input", { type: "search", name: "site", id: "filter-site", placeholder: "any site" }),
    vendor: el("input", { type: "search", name: "vendor", id: "filter-vendor", placeholder: "any vendor" })
  };
  var bar = el("div", { id: "filters", role: "search", "aria-label": "filter findings" });
  bar.appendChild(labelled("verdict", controls.verdict));
  bar.appendChild(labelled("policy", controls.policy));
  bar.appendChild(labelled("site", controls.site));
  bar.appendChild(labelled("vendor", controls.vendor));
  var reset = el("button", { type: "button" }, "show all");
  bar.appendChild(reset);
  var status = el("p", { id: "filter-status", role: "status", "class": "small" });
  bar.appendChild(status);
  var heading = section.querySelector("h2");
  heading.parentNode.insertBefore(bar, heading.nextSibling);

  var sortKey = "";
  var sortDown = false;

  function cellKey(row, index) {
    var td = row.cells[index];
    if (!td) { return ""; }
    var k = td.getAttribute("data-sort");
    return (k === null ? td.textContent : k).trim().toLowerCase();
  }

  function compare(a, b) {
    if (a === b) { return 0; }
    if (a === "") { return 1; }
    if (b === "") { return -1; }
    var x = Number(a);
    var y = Number(b);
    if (isFinite(x) && isFinite(y)) { return x - y; }
    return a > b ? 1 : -1;
  }

  function sortRows() {
    var index = KEYS.indexOf(sortKey);
    section.querySelectorAll("table.findings").forEach(function (table) {
      table.querySelectorAll("thead th").forEach(function (th, i) {
        if (i === index) {
          th.setAttribute("aria-sort", sortDown ? "descending" : "ascending");
        } else {
          th.removeAttribute("aria-sort");
        }
      });
      if (index === -1) { return; }
      var body = table.tBodies[0];
      var list = Array.prototype.slice.call(body.rows);
      list.sort(function (a, b) {
        var ka = cellKey(a, index);
        var kb = cellKey(b, index);
        // Empty keys (no deadline) stay last either way.
        if (ka === "" || kb === "") { return compare(ka, kb); }
        var c = compare(ka, kb);
        return sortDown ? -c : c;
      });
      list.forEach(function (r) { body.appendChild(r); });
    });
  }

  function matches(row, f) {
    if (f.verdict && row.getAttribute("data-verdict") !== f.verdict) { return false; }
    if (f.policy && row.getAttribute("data-policy") !== f.policy) { return false; }
    if (f.site && (row.getAttribute("data-site") || "").toLowerCase().indexOf(f.site) === -1) {
      return false;
    }
    if (f.vendor) {
      var v = ((row.getAttribute("data-vendor") || "") + " " + (row.getAttribute("data-entry") || "")).toLowerCase();
      if (v.indexOf(f.vendor) === -1) { return false; }
    }
    return true;
  }

  function current() {
    return {
      verdict: controls.verdict.value,
      policy: controls.policy.value,
      site: controls.site.value.trim().toLowerCase(),
      vendor: controls.vendor.value.trim().toLowerCase()
    };
  }

  function apply(write) {
    var f = current();
    var shown = 0;
    rows.forEach(function (r) {
      var ok = matches(r, f);
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    section.querySelectorAll("div.group").forEach(function (g) {
      g.hidden = g.querySelector("tr.finding:not([hidden])") === null;
    });
    status.textContent = "Showing " + shown + " of " + rows.length + " listed findings" +
      (shown === rows.length ? "." : " (filtered).");
    status.setAttribute("data-shown", String(shown));
    if (write) { writeFragment(); }
  }

  function writeFragment() {
    var parts = [];
    ["verdict", "policy", "site", "vendor"].forEach(function (k) {
      var v = controls[k].value.trim();
      if (v !== "") { parts.push(k + "=" + encodeURIComponent(v)); }
    });
    if (sortKey !== "") { parts.push("sort=" + (sortDown ? "-" : "") + sortKey); }
    try {
      history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
    } catch (e) {
      // Some browsers refuse replaceState on file: pages; the filters work all the same.
    }
  }

  function readFragment() {
    var hash = location.hash.replace(/^#/, "");
    hash.split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at === -1) { return; }
      var k = pair.slice(0, at);
      var v;
      try { v = decodeURIComponent(pair.slice(at + 1).replace(/\+/g, " ")); } catch (e) { return; }
      if (k === "sort") {
        sortDown = v.charAt(0) === "-";
        sortKey = KEYS.indexOf(v.replace(/^-/, "")) === -1 ? "" : v.replace(/^-/, "");
      } else if (Object.prototype.hasOwnProperty.call(controls, k)) {
        var c = controls[k];
        if (c.tagName === "SELECT") {
          var known = Array.prototype.some.call(c.options, function (o) { return o.value === v; });
          c.value = known ? v : "";
        } else {
          c.value = v;
        }
      }
    });
  }

  // Column headers become sort buttons: a first click sorts ascending, the next descending.
  section.querySelectorAll("table.findings thead th").forEach(function (th, i) {
    var index = i % KEYS.length;
    var b = el("button", { type: "button", "class": "sort", "data-key": KEYS[index] });
    while (th.firstChild) { b.appendChild(th.firstChild); }
    th.appendChild(b);
    b.addEventListener("click", function () {
      sortDown = sortKey === KEYS[index] ? !sortDown : false;
      sortKey = KEYS[index];
      sortRows();
      writeFragment();
    });
  });

  ["verdict", "policy"].forEach(function (k) {
    controls[k].addEventListener("change", function () { apply(true); });
  });
  ["site", "vendor"].forEach(function (k) {
    controls[k].addEventListener("input", function () { apply(true); });
  });
  reset.addEventListener("click", function () {
    ["verdict", "policy", "site", "vendor"].forEach(function (k) { controls[k].value = ""; });
    apply(true);
  });
  window.addEventListener("hashchange", function () { readFragment(); sortRows(); apply(false); });

  readFragment();
  sortRows();
  apply(false);
  document.documentElement.setAttribute("data-script", "ready");
}());
