(function () {
  "use strict";
  // Reads only the page's own elements and writes only text and attributes: no HTML is built.
  var table = document.getElementById("cases");
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.querySelectorAll("tr[data-case]"));
  var empty = document.getElementById("no-match");
  var shown = document.getElementById("shown");
  var form = document.getElementById("filters");
  var fields = { queue: "f-queue", status: "f-status", flag: "f-flag", text: "f-text" };
  Object.keys(fields).forEach(function (key) { fields[key] = document.getElementById(fields[key]); });

  var now = Date.now();
  rows.forEach(function (row, index) {
    row.setAttribute("data-index", String(index));
    var cell = row.querySelector("td.age");
    var received = Date.parse(row.getAttribute("data-received") || "");
    if (cell && !isNaN(received)) {
      var days = Math.max(0, Math.floor((now - received) / 86400000));
      cell.textContent = days === 1 ? "1 day" : days + " days";
      cell.setAttribute("data-sort", String(days));
    }
    // Overdue and due-soon from today's date: the page itself carries only dates.
    var due = row.querySelector("td.due");
    var dueDate = due ? due.getAttribute("data-due") : "";
    if (dueDate) {
      var today = new Date(now);
      var pad = function (n) { return (n < 10 ? "0" : "") + n; };
      var day = today.getFullYear() + "-" + pad(today.getMonth() + 1) + "-" + pad(today.getDate());
      var soon = due.getAttribute("data-due-soon") || dueDate;
      var state = day > dueDate ? "overdue" : (day >= soon ? "soon" : "");
      if (state) { due.classList.add(state); row.setAttribute("data-due-state", state); }
    }
  });

  function filter() {
    var queue = fields.queue.value, status = fields.status.value, flag = fields.flag.value;
    var words = fields.text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var flags = " " + (row.getAttribute("data-flags") || "") + " ";
      var queues = " " + (row.getAttribute("data-queues") || row.getAttribute("data-queue") || "") + " ";
      var match = (!queue || queues.indexOf(" " + queue + " ") >= 0) &&
        (!status || row.getAttribute("data-status") === status) &&
        (!flag || flags.indexOf(" " + flag + " ") >= 0) &&
        words.every(function (word) { return text.indexOf(word) >= 0; });
      row.hidden = !match;
      if (match) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " case" + (rows.length === 1 ? "" : "s");
    if (empty) { empty.hidden = count !== 0 || rows.length === 0; }
  }

  function sortKey(row, column, numeric) {
    var cell = row.cells[column];
    var value = cell ? (cell.getAttribute("data-sort") || cell.textContent.trim()) : "";
    if (!numeric) { return value.toLowerCase(); }
    var number = parseFloat(value);
    return isNaN(number) ? null : number;
  }

  function sortBy(header) {
    var column = header.cellIndex;
    var numeric = header.getAttribute("data-type") === "number";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var keyed = rows.map(function (row) {
      return { row: row, key: sortKey(row, column, numeric), index: +row.getAttribute("data-index") };
    });
    keyed.sort(function (a, b) {
      if (a.key === b.key) { return a.index - b.index; }
      if (a.key === null || a.key === "") { return 1; }  // empty cells last, either way
      if (b.key === null || b.key === "") { return -1; }
      var order = a.key < b.key ? -1 : 1;
      return ascending ? order : -order;
    });
    // A follow-up stays right under its case, in the order the sort gives the cases.
    var parents = {};
    keyed.forEach(function (item) { parents[item.row.getAttribute("data-case")] = true; });
    var children = {};
    keyed = keyed.filter(function (item) {
      var parent = item.row.getAttribute("data-parent");
      if (parent && parents[parent]) { (children[parent] = children[parent] || []).push(item); return false; }
      return true;
    });
    keyed.forEach(function (item) {
      tbody.insertBefore(item.row, empty);
      (children[item.row.getAttribute("data-case")] || []).sort(function (a, b) { return a.index - b.index; })
        .forEach(function (child) { tbody.insertBefore(child.row, empty); });
    });
  }

  Array.prototype.forEach.call(table.querySelectorAll("th button"), function (button) {
    button.addEventListener("click", function () { sortBy(button.parentNode); });
  });
  form.addEventListener("input", filter);
  form.addEventListener("change", filter);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(filter, 0); });
  filter();
})();
