// Progressive enhancement only: every form works without this file.
// A form with data-progress="<id>" is sent with XMLHttpRequest so the element <id>
// can show the upload's progress; the answer then replaces the page, as a plain
// submission would have.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var progressId = form.getAttribute && form.getAttribute("data-progress");
    if (!progressId || !window.FormData || !window.XMLHttpRequest) { return; }
    var box = document.getElementById(progressId);
    var bar = box && box.querySelector("progress");
    if (!bar) { return; }
    event.preventDefault();
    // "Save as draft" posts the same form elsewhere (its button's formaction).
    var submitter = event.submitter;
    var action = (submitter && submitter.hasAttribute("formaction")) ? submitter.formAction : form.action;
    var request = new XMLHttpRequest();
    request.open("POST", action);
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    request.addEventListener("load", function () {
      if (request.responseURL && request.responseURL !== action) {
        window.location.assign(request.responseURL);
        return;
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () { form.submit(); });
    box.hidden = false;
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    request.send(new FormData(form));
  });
}());

// The map (statistics/map.html): nearby points drawn as one numbered circle, split as
// one zooms; the year slider redraws one year's points (and the table's rows). Without
// this file the map shows every point and the slider's form asks the server for a year.
(function () {
  "use strict";
  var svg = document.querySelector("svg[data-map]");
  if (!svg || !svg.viewBox || !svg.viewBox.baseVal) { return; }
  var NS = "http://www.w3.org/2000/svg";
  var W = svg.viewBox.baseVal.width, H = svg.viewBox.baseVal.height;
  var RADIUS = 30;      // screen pixels: points closer than this are one cluster
  var MAX_ZOOM = 64;
  var view = { x: 0, y: 0, w: W, h: H };
  var layer = svg.querySelector(".map__clusters");
  var slider = document.getElementById("map-year");
  var label = document.getElementById("map-year-label");
  var records = document.getElementById("map-records");
  var rows = document.querySelectorAll("#map-places tbody tr");
  var clusterLabel = svg.getAttribute("data-cluster-label") || "%(count)s";
  var year = (slider && /[?&]year=\d/.test(window.location.search)) ? slider.value : null;
  var points = Array.prototype.map.call(svg.querySelectorAll(".map__point"), function (a) {
    var title = a.querySelector("title");
    return {
      a: a, shape: a.firstElementChild, year: a.getAttribute("data-year"),
      x: parseFloat(a.getAttribute("data-x")), y: parseFloat(a.getAttribute("data-y")),
      text: title ? title.textContent : "", href: a.getAttribute("href")
    };
  });

  function make(name, attributes) {
    var element = document.createElementNS(NS, name);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    return element;
  }

  function unitsPerPixel() {
    var width = svg.getBoundingClientRect().width;
    return view.w / (width > 0 ? width : W);
  }

  function size(p, k) {
    if (p.shape.tagName === "path") {
      p.shape.setAttribute("transform", "translate(" + p.x + " " + p.y + ") scale(" + k + ")");
    } else if (p.shape.tagName === "rect") {
      p.shape.setAttribute("x", p.x - 6 * k); p.shape.setAttribute("y", p.y - 6 * k);
      p.shape.setAttribute("width", 12 * k); p.shape.setAttribute("height", 12 * k);
    } else {
      p.shape.setAttribute("r", 6 * k);
    }
  }

  function groups(k) {
    var found = [];
    points.forEach(function (p) {
      p.a.setAttribute("display", "none");
      if (year !== null && p.year !== year) { return; }
      for (var i = 0; i < found.length; i += 1) {
        var c = found[i];
        if (Math.pow(c.x - p.x, 2) + Math.pow(c.y - p.y, 2) <= Math.pow(RADIUS * k, 2)) {
          c.members.push(p);
          return;
        }
      }
      found.push({ x: p.x, y: p.y, members: [p] });
    });
    return found;
  }

  function draw() {
    svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
    var k = unitsPerPixel();
    while (layer.firstChild) { layer.removeChild(layer.firstChild); }
    groups(k).forEach(function (c) {
      if (c.members.length === 1) {
        size(c.members[0], k);
        c.members[0].a.removeAttribute("display");
        return;
      }
      var n = c.members.length;
      var link = make("a", { "class": "map__cluster", href: "#map-records", "data-count": n });
      var r = (11 + 3 * Math.log(n) / Math.LN2) * k;
      link.appendChild(make("circle", { "class": "map__cluster-disc", cx: c.x, cy: c.y, r: r }));
      var count = make("text", {
        "class": "map__cluster-count", x: c.x, y: c.y + 4.5 * k, "text-anchor": "middle",
        "font-size": 13 * k
      });
      count.textContent = String(n);
      link.appendChild(count);
      var title = make("title", {});
      title.textContent = clusterLabel.replace("%(count)s", n);
      link.appendChild(title);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        list(c.members);
        zoomTo(c.members);
      });
      layer.appendChild(link);
    });
    Array.prototype.forEach.call(rows, function (row) {
      row.hidden = year !== null && row.getAttribute("data-year") !== year;
    });
  }

  // An incident's point stands for its declarations: the table's row lists them.
  function named(p) {
    var row = p.a.hasAttribute("data-incident") && document.getElementById(p.href.slice(1));
    if (!row) { return [p]; }
    return Array.prototype.map.call(row.querySelectorAll("a[href]"), function (a) {
      return { href: a.getAttribute("href"), text: a.textContent };
    });
  }

  function list(members) {
    if (!records) { return; }
    var ul = records.querySelector("ul");
    while (ul.firstChild) { ul.removeChild(ul.firstChild); }
    members = members.reduce(function (all, p) { return all.concat(named(p)); }, []);
    members.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = p.href;
      a.textContent = p.text;
      li.appendChild(a);
      ul.appendChild(li);
    });
    records.hidden = false;
  }

  function setView(cx, cy, w) {
    w = Math.min(W, Math.max(W / MAX_ZOOM, w));
    var h = w * H / W;
    view = {
      x: Math.min(Math.max(cx - w / 2, 0), W - w), y: Math.min(Math.max(cy - h / 2, 0), H - h),
      w: w, h: h
    };
    draw();
  }

  function zoomTo(members) {
    var xs = members.map(function (p) { return p.x; });
    var ys = members.map(function (p) { return p.y; });
    var west = Math.min.apply(null, xs), east = Math.max.apply(null, xs);
    var north = Math.min.apply(null, ys), south = Math.max.apply(null, ys);
    var w = Math.max((east - west) * 3, (south - north) * 3 * W / H, view.w / 8);
    setView((west + east) / 2, (north + south) / 2, Math.min(w, view.w / 2));
  }

  points.forEach(function (p) {
    if (!p.a.hasAttribute("data-incident")) { return; }
    p.a.addEventListener("click", function (event) {
      if (!records) { return; }
      event.preventDefault();
      list([p]);
      records.scrollIntoView({ block: "nearest" });
    });
  });

  var zoom = document.querySelector(".map__zoom");
  if (zoom) {
    zoom.hidden = false;
    zoom.addEventListener("click", function (event) {
      var which = event.target.getAttribute && event.target.getAttribute("data-zoom");
      var cx = view.x + view.w / 2, cy = view.y + view.h / 2;
      if (which === "in") { setView(cx, cy, view.w / 2); }
      if (which === "out") { setView(cx, cy, view.w * 2); }
      if (which === "reset") { setView(W / 2, H / 2, W); }
    });
  }
  if (slider) {
    slider.addEventListener("input", function () {
      year = slider.value;
      if (label) { label.textContent = year; }
      draw();
    });
    // A page the server drew for one year holds no other year's points, and a page cut
    // at the registry's limit holds only the oldest years' ones: ask for the year.
    slider.addEventListener("change", function () {
      if (/[?&]year=\d/.test(window.location.search) || slider.hasAttribute("data-partial")) {
        slider.form.submit();
      }
    });
  }
  var every = document.getElementById("map-every-year");
  if (every && year === null) {
    every.addEventListener("click", function (event) {
      event.preventDefault();
      year = null;
      if (label) { label.textContent = label.getAttribute("data-every"); }
      draw();
    });
  }
  window.addEventListener("resize", draw);
  draw();
}());

// The place pickers (declare, report a loss): "Pick the place on a map" fetches the
// region's borders once and turns a selected point into the form's latitude and
// longitude (the map is equirectangular: lon = west + x / scale, lat = north - y / scale).
// Without this file the fields are typed, as they always can be.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-place-picker]"), function (box) {
    var form = box.closest("form");
    var lat = form && form.querySelector("input[name=lat]");
    var lon = form && form.querySelector("input[name=lon]");
    var open = box.querySelector("[data-place-picker-open]");
    if (!lat || !lon || !open || !window.fetch || !window.DOMParser) { return; }
    box.hidden = false;
    open.addEventListener("click", function () {
      open.disabled = true;
      fetch("/console/statistics/map/picker.svg", { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (text) {
          var parsed = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
          var svg = document.importNode(parsed, true);
          var west = parseFloat(svg.getAttribute("data-west"));
          var north = parseFloat(svg.getAttribute("data-north"));
          var scale = parseFloat(svg.getAttribute("data-scale"));
          var mark = svg.querySelector(".place-picker__mark");
          var show = function () {
            var la = parseFloat(lat.value), lo = parseFloat(lon.value);
            if (isNaN(la) || isNaN(lo)) { return; }
            mark.setAttribute("cx", ((lo - west) * scale).toFixed(1));
            mark.setAttribute("cy", ((north - la) * scale).toFixed(1));
          };
          svg.addEventListener("click", function (event) {
            var point = svg.createSVGPoint();
            point.x = event.clientX;
            point.y = event.clientY;
            var at = point.matrixTransform(svg.getScreenCTM().inverse());
            lon.value = (west + at.x / scale).toFixed(4);
            lat.value = (north - at.y / scale).toFixed(4);
            show();
          });
          lat.addEventListener("change", show);
          lon.addEventListener("change", show);
          box.replaceChild(svg, open);
          show();
        })
        .catch(function () { open.disabled = false; });
    });
  });
}());
