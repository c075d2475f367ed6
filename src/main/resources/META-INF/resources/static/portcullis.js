// Progressive enhancement only: every page works without this script (the server writes each
// instant as <time datetime="2026-12-02T14:03:27Z">2026-12-02 14:03 UTC</time>). With it, times
// read in the viewer's own zone with a relative time ("in 42 min", "3 h ago"), and those marked
// data-countdown (a grant's end, a credential's last chance) count down live. Loaded as a file
// from /static: the Content-Security-Policy (default-src 'self') allows no inline script.
(function () {
  "use strict";

  var dateTime;
  try {
    dateTime = new Intl.DateTimeFormat(undefined, {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    });
  } catch (e) {
    return; // no Intl: the UTC text stays
  }

  function plural(n, unit) {
    return n + " " + unit;
  }

  // "42 min", "3 h", "2 d"; a countdown under an hour also shows seconds, under two days minutes
  function span(ms, exact) {
    var s = Math.round(Math.abs(ms) / 1000);
    if (s < 60) {
      return exact ? plural(s, "s") : null;
    }
    var m = Math.floor(s / 60);
    if (m < 60) {
      return exact ? m + " min " + (s % 60) + " s" : plural(m, "min");
    }
    var h = Math.floor(m / 60);
    if (h < 48) {
      return exact && m % 60 !== 0 ? h + " h " + (m % 60) + " min" : plural(h, "h");
    }
    return plural(Math.floor(h / 24), "d");
  }

  function relative(at, now, exact) {
    var ms = at - now;
    var text = span(ms, exact);
    if (text === null) {
      return "just now";
    }
    return ms >= 0 ? "in " + text : text + " ago";
  }

  function render(el, now) {
    var at = el._portcullisAt;
    var countdown = el.hasAttribute("data-countdown");
    var rel = relative(at, now, countdown);
    if (countdown && at <= now) {
      rel = "ended " + (rel === "just now" ? "just now" : rel);
    }
    el.textContent = dateTime.format(new Date(at)) + " (" + rel + ")";
  }

  function start() {
    var times = Array.prototype.slice.call(document.querySelectorAll("time[datetime]"));
    var countdowns = [];
    var others = [];
    times.forEach(function (el) {
      var at = Date.parse(el.getAttribute("datetime"));
      if (isNaN(at)) {
        return;
      }
      el._portcullisAt = at;
      if (!el.title) {
        el.title = el.textContent.trim(); // the UTC text, on hover
      }
      (el.hasAttribute("data-countdown") ? countdowns : others).push(el);
    });
    function tick(list) {
      var now = Date.now();
      list.forEach(function (el) {
        render(el, now);
      });
    }
    tick(others);
    tick(countdowns);
    if (countdowns.length) {
      window.setInterval(function () {
        tick(countdowns);
      }, 1000);
    }
    if (others.length) {
      window.setInterval(function () {
        tick(others);
      }, 30000);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
