/* The timeline of forum and person pages drawn with vis-timeline (served by this service from
   the npm package): the dated rows of the page's timeline table, which stays the accessible
   version (the drawing is hidden from screen readers). An item opens the page of its event,
   office or seat. */
(function () {
  "use strict";
  var holder = document.getElementById("timeline-chart");
  var table = document.querySelector("table.timeline");
  if (!holder || !table || !window.vis || !window.vis.Timeline) { return; }

  function day(text) {
    /* "2011", "2011-06", "2011-06-28": the first day of what the source states */
    var parts = text.split("-").map(Number);
    return new Date(parts[0], (parts[1] || 1) - 1, parts[2] || 1);
  }

  var items = [];
  table.querySelectorAll("tbody tr").forEach(function (row, i) {
    var time = row.querySelector("time[datetime]");
    var link = row.cells[1] && row.cells[1].querySelector("a");
    if (!time || !link) { return; }
    var what = row.cells[1].querySelector(".what");
    var item = document.createElement("span");
    var label = (what ? what.textContent + ": " : "") + link.textContent;
    item.textContent = label.length > 70 ? label.slice(0, 69) + "…" : label;
    items.push({ id: i, start: day(time.getAttribute("datetime")), content: item,
                 title: time.getAttribute("datetime") + " " + row.cells[1].textContent.trim(),
                 href: link.getAttribute("href") });
  });
  if (!items.length) { return; }
  holder.hidden = false;
  var times = items.map(function (x) { return x.start.getTime(); });
  var month = 31 * 24 * 3600 * 1000;  /* a margin, and a window of at least a year */
  var first = Math.min.apply(null, times) - 6 * month;
  var last = Math.max(Math.max.apply(null, times) + 6 * month, first + 12 * month);
  var timeline = new window.vis.Timeline(holder, items, {
    stack: true, zoomable: true, maxHeight: 420, margin: { item: 6 },
    start: new Date(first), end: new Date(last)
  });
  timeline.on("select", function (props) {
    var chosen = items.filter(function (x) { return props.items.indexOf(x.id) >= 0; })[0];
    if (chosen) { window.location.href = chosen.href; }
  });
  window.govgraphTimeline = timeline;
})();
