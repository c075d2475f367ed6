// Progressive enhancement only: every page works without this script (the server writes each
// instant as <time datetime="2026-12-02T14:03:27Z">2026-12-02 14:03 UTC</time>, a credential's
// values in read-only fields, and a grant's state as it was when the page was made). With it:
// - times read in the viewer's own zone with a relative time ("in 42 min", "3 h ago"), and those
//   marked data-countdown (a grant's end, a credential's last chance) count down live, on the
//   grant pages and in the lists;
// - a credential's Copy buttons put a value on the clipboard (or select it to copy by hand);
// - the navigation's inbox count and a grant's state refresh without a reload, by polling small
//   JSON answers under /ui/live (at most every 15 s, never while the tab is hidden).
// Loaded as a file from /static: the Content-Security-Policy (default-src 'self') allows no inline
// script.
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
    dateTime = null; // no Intl: the UTC text stays
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

  var countdowns = [];
  var others = [];

  function tick(list) {
    var now = Date.now();
    list.forEach(function (el) {
      render(el, now);
    });
  }

  // takes a <time datetime> into the clock: rendered now, then kept up to date
  function adopt(el) {
    var at = Date.parse(el.getAttribute("datetime"));
    if (isNaN(at) || !dateTime) {
      return;
    }
    el._portcullisAt = at;
    if (!el.title) {
      el.title = el.textContent.trim(); // the UTC text, on hover
    }
    var list = el.hasAttribute("data-countdown") ? countdowns : others;
    if (list.indexOf(el) < 0) {
      list.push(el);
    }
    render(el, Date.now());
  }

  function startTimes() {
    Array.prototype.forEach.call(document.querySelectorAll("time[datetime]"), adopt);
    window.setInterval(function () {
      tick(countdowns);
    }, 1000);
    window.setInterval(function () {
      tick(others);
    }, 30000);
  }

  // the UTC text the server would write, for a <time> made here
  function utcText(at) {
    return new Date(at).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  // ------------------------------------------------------------------ copy buttons

  function startCopyButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("button.copy[data-copy]"), function (b) {
      var id = b.getAttribute("data-copy");
      var field = document.getElementById(id);
      var said = document.querySelector('[data-copied-for="' + id + '"]');
      if (!field || !said) {
        return;
      }
      b.hidden = false;
      b.addEventListener("click", function () {
        function byHand() {
          field.focus();
          field.select();
          var copied = false;
          try {
            copied = document.execCommand("copy");
          } catch (e) {
            copied = false;
          }
          said.textContent = copied ? "Copied." : "Selected: press Ctrl+C (⌘C) to copy it.";
        }
        said.textContent = "";
        if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(function () {
            said.textContent = "Copied.";
          }, byHand);
        } else {
          byHand();
        }
      });
    });
  }

  // ------------------------------------------------------------------ live updates

  var EVERY = 15000; // the shortest interval of any poll

  // calls url every `every` ms while the page is visible, and once on return if it is due;
  // onData returns false to stop. A refusal (signed out, gone, forbidden) stops the polling.
  function poll(url, every, onData) {
    var timer = null;
    var stopped = false;
    var last = Date.now();
    function schedule(wait) {
      if (!stopped && !document.hidden && timer === null) {
        timer = window.setTimeout(run, Math.max(wait, 0));
      }
    }
    function run() {
      timer = null;
      if (stopped || document.hidden) {
        return;
      }
      last = Date.now();
      window
        .fetch(url, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          redirect: "manual",
          cache: "no-store",
        })
        .then(function (r) {
          if (r.type === "opaqueredirect" || (r.status >= 400 && r.status < 500)) {
            stopped = true; // signed out, or no longer ours to see
            return null;
          }
          return r.ok ? r.json() : null;
        })
        .then(function (data) {
          if (data && onData(data) === false) {
            stopped = true;
          }
          schedule(every);
        })
        .catch(function () {
          schedule(every * 2); // the network, for a moment: try again later
        });
    }
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        if (timer !== null) {
          window.clearTimeout(timer);
          timer = null;
        }
      } else {
        schedule(every - (Date.now() - last));
      }
    });
    schedule(every);
  }

  function startInboxCount() {
    var link = document.querySelector('nav.main a[href="/ui/reviews"]');
    if (!link || !window.fetch) {
      return;
    }
    poll("/ui/live/inbox", EVERY, function (inbox) {
      var count = link.querySelector(".count");
      if (!inbox.label) {
        if (count) {
          count.parentNode.removeChild(count);
        }
        return true;
      }
      if (!count) {
        count = document.createElement("span");
        count.className = "count";
        count.appendChild(document.createTextNode(""));
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = " waiting";
        count.appendChild(hidden);
        link.appendChild(document.createTextNode(" "));
        link.appendChild(count);
      }
      count.firstChild.nodeValue = inbox.label;
      return true;
    });
  }

  var FINAL = { REVOKED: true, ACTIVATION_FAILED: true };

  function startLiveGrant() {
    var root = document.querySelector("[data-live-grant]");
    if (!root || !window.fetch) {
      return;
    }
    function part(name) {
      return root.querySelector('[data-live="' + name + '"]');
    }
    var state = root.getAttribute("data-state");
    if (FINAL[state]) {
      return; // nothing more will happen to it
    }
    var badge = part("state");
    var words = part("state-words");
    var announce = part("announce");
    var changed = part("changed");
    var endCell = part("notAfter");
    var extension = part("extension");
    function endOf() {
      var t = endCell && endCell.querySelector("time");
      return t ? Date.parse(t.getAttribute("datetime")) : NaN;
    }
    poll(root.getAttribute("data-live-grant"), EVERY, function (g) {
      var said = [];
      if (g.state !== state) {
        state = g.state;
        root.setAttribute("data-state", state);
        badge.textContent = state;
        badge.className = "state state-" + state;
        words.textContent = g.stateWords;
        Array.prototype.forEach.call(root.querySelectorAll("[data-live-states]"), function (s) {
          s.hidden = s.getAttribute("data-live-states").split(" ").indexOf(state) < 0;
        });
        changed.hidden = false;
        said.push("The grant is now " + state + ": " + g.stateWords + ".");
      }
      var end = g.notAfter ? Date.parse(g.notAfter) : NaN;
      if (endCell && !isNaN(end) && end !== endOf()) {
        var t = endCell.querySelector("time");
        if (!t) {
          endCell.textContent = "";
          t = document.createElement("time");
          t.setAttribute("data-countdown", "");
          endCell.appendChild(t);
        }
        t.setAttribute("datetime", new Date(end).toISOString().replace(/\.\d+Z$/, "Z"));
        t.title = utcText(end);
        t.textContent = utcText(end);
        adopt(t);
        said.push("It now ends at " + (dateTime ? dateTime.format(new Date(end)) : utcText(end)) + ".");
      }
      if (extension && !g.extendTo && !extension.hidden) {
        extension.hidden = true;
        if (g.state === "ACTIVE") {
          said.push("The extension is confirmed.");
        }
      }
      if (said.length) {
        announce.textContent = said.join(" ");
      }
      return !FINAL[state];
    });
  }

  function start() {
    startTimes();
    startCopyButtons();
    startInboxCount();
    startLiveGrant();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
