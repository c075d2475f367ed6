// The request form (/ui/catalog), enhanced. Everything works without this script: the search is a
// GET form, the entitlements are checkboxes of one POST form, the duration is a select of presets
// (or Custom… with a number and a unit), the start zone is a select that reads UTC unless changed,
// and "Show who approves" posts the form back with the approvers of the ticked entitlements.
// With it: the catalog filters as you type, the start zone is the browser's own, presets over the
// ticked entitlements' maximum are disabled, only the ticked entitlements' provider inputs show,
// and the approvers refresh when the ticks or the duration change. Loaded as a file from /static:
// the Content-Security-Policy (default-src 'self') allows no inline script.
(function () {
  "use strict";

  function $(id) {
    return document.getElementById(id);
  }

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  function words(minutes) {
    if (minutes >= 1440 && minutes % 1440 === 0) {
      return minutes / 1440 + " d";
    }
    if (minutes >= 60) {
      var h = Math.floor(minutes / 60);
      var m = minutes % 60;
      return m === 0 ? h + " h" : h + " h " + m + " min";
    }
    return minutes + " min";
  }

  function start() {
    var form = $("request-form");
    if (!form) {
      return;
    }
    var cards = Array.prototype.slice.call(document.querySelectorAll("section.entitlement"));
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=entitlement]"));

    // ---- search and filters, as you type ----
    var q = $("catalog-q");
    var env = $("catalog-environment");
    var risk = $("catalog-risk");
    var label = $("catalog-label");
    var may = $("catalog-may");
    var count = $("catalog-count");

    function ticked(card) {
      var box = card.querySelector("input[name=entitlement]");
      return box && box.checked;
    }

    function filter() {
      var words = (q.value || "").toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      cards.forEach(function (card) {
        var text = card.getAttribute("data-search") || "";
        var labels = (card.getAttribute("data-labels") || "").split(" ");
        var match =
          words.every(function (w) {
            return text.indexOf(w) >= 0;
          }) &&
          (!env.value || card.getAttribute("data-environment") === env.value) &&
          (!risk.value || card.getAttribute("data-risk") === risk.value) &&
          (!label.value || labels.indexOf(label.value) >= 0) &&
          (!may.checked || card.getAttribute("data-may") === "true");
        card.hidden = !(match || ticked(card));
        if (!card.hidden) {
          shown++;
        }
      });
      count.textContent =
        "Showing " + shown + " of " + cards.length + " entitlements" +
        (boxes.some(function (b) { return b.checked; }) ? " (ticked ones always show)" : "") + ".";
    }

    if (q && env && risk && label && may && count) {
      [q, env, risk, label, may].forEach(function (el) {
        el.addEventListener("input", filter);
        el.addEventListener("change", filter);
      });
      // the search form's hidden ticks follow the request form's
      $("catalog-search").addEventListener("submit", function () {
        var search = $("catalog-search");
        each(search.querySelectorAll("input[type=hidden][name=entitlement]"), function (h) {
          h.parentNode.removeChild(h);
        });
        boxes.forEach(function (b) {
          if (b.checked) {
            var h = document.createElement("input");
            h.type = "hidden";
            h.name = "entitlement";
            h.value = b.value;
            search.appendChild(h);
          }
        });
      });
    }

    // ---- the start zone: the browser's own ----
    var zone = $("zone");
    var note = $("zone-note");
    try {
      var mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && mine) {
        var found = Array.prototype.some.call(zone.options, function (o) {
          return o.value === mine;
        });
        if (!found) {
          var o = document.createElement("option");
          o.value = mine;
          o.textContent = mine;
          zone.insertBefore(o, zone.firstChild);
        }
        if (!form.hasAttribute("data-zone-kept") && zone.value === "UTC") {
          zone.value = mine;
        }
        if (note) {
          note.textContent =
            "The date and time are read in this zone: your browser's, " + mine + ", unless you choose another.";
        }
      }
    } catch (e) {
      // no Intl: the zone stays UTC, as the note says
    }

    // ---- duration presets within the ticked entitlements' maximum ----
    var duration = $("duration");
    var custom = $("duration-custom");
    var max = $("duration-max");

    function selected() {
      return cards.filter(ticked);
    }

    function limit() {
      var chosen = selected();
      var list = chosen.length ? chosen : cards;
      return list.reduce(function (m, c) {
        return Math.min(m, parseInt(c.getAttribute("data-max"), 10) || Infinity);
      }, Infinity);
    }

    function durations() {
      if (!duration) {
        return;
      }
      var most = limit();
      if (max && isFinite(most)) {
        max.textContent = "(at most " + words(most) + ")";
      }
      var best = null;
      each(duration.options, function (o) {
        var m = parseInt(o.getAttribute("data-minutes"), 10);
        if (!isNaN(m)) {
          o.disabled = m > most;
          if (!o.disabled) {
            best = o;
          }
        }
      });
      var now = duration.options[duration.selectedIndex];
      if (now && now.disabled && best) {
        duration.value = best.value;
      }
      if (custom) {
        custom.hidden = duration.value !== "custom";
      }
    }

    // ---- provider inputs and break-glass of the ticked entitlements only ----
    function inputs() {
      var needed = {};
      var glass = false;
      selected().forEach(function (c) {
        (c.getAttribute("data-inputs") || "").split(" ").filter(Boolean).forEach(function (n) {
          needed[n] = true;
        });
        glass = glass || c.getAttribute("data-break-glass") === "true";
      });
      each(form.querySelectorAll(".provider-input"), function (div) {
        var on = needed[div.getAttribute("data-input")] === true;
        div.hidden = !on;
        var field = div.querySelector("textarea");
        if (field) {
          field.required = on;
        }
      });
      var bg = form.querySelector(".break-glass");
      if (bg) {
        bg.hidden = !glass && selected().length > 0;
      }
      var summary = $("selected-summary");
      if (summary) {
        var ids = selected().map(function (c) {
          return c.id;
        });
        summary.textContent = ids.length
          ? "Asking for " + ids.join(", ") + "."
          : "Tick one or more entitlements above.";
      }
      cards.forEach(function (c) {
        c.classList.toggle("selected", ticked(c));
      });
    }

    // ---- who approves, refreshed from /ui/catalog/approvals ----
    var body = $("approvers-body");
    var pending = 0;

    function text(tag, content, cls) {
      var el = document.createElement(tag);
      el.textContent = content;
      if (cls) {
        el.className = cls;
      }
      return el;
    }

    function render(answer) {
      body.textContent = "";
      answer.entitlements.forEach(function (p) {
        var div = document.createElement("div");
        div.className = "approver-plan";
        div.setAttribute("data-entitlement", p.entitlement);
        var head = document.createElement("p");
        head.appendChild(text("code", p.entitlement));
        if (p.autoApprovedBy) {
          head.appendChild(document.createTextNode(": approved at once by rule " + p.autoApprovedBy));
        } else if (!p.stages.length) {
          head.appendChild(document.createTextNode(": no approval stage"));
        }
        div.appendChild(head);
        if (!p.autoApprovedBy && p.stages.length) {
          var ul = document.createElement("ul");
          p.stages.forEach(function (s, i) {
            ul.appendChild(
              text(
                "li",
                (p.stages.length > 1 ? "Stage " + (i + 1) + ", " : "Stage ") + s.name + ": " +
                  s.approvals + (s.approvals === 1 ? " approval" : " approvals") + " from " +
                  (s.reviewers.length ? s.reviewers.join(", ") : "nobody but you: no one can approve") +
                  " (never you)"
              )
            );
          });
          div.appendChild(ul);
        }
        if (p.refused && p.refused.length) {
          div.appendChild(text("p", "Policy would refuse it as it stands: " + p.refused.join("; "), "warning"));
        }
        body.appendChild(div);
      });
      body.appendChild(text("p", "For the duration chosen; the request's page shows the plan it was filed with.", "muted"));
    }

    function isoOf() {
      if (!duration) {
        return null;
      }
      if (duration.value !== "custom") {
        return duration.value;
      }
      var n = parseInt(($("duration-amount") || {}).value, 10);
      var unit = ($("duration-unit") || {}).value;
      if (!(n > 0)) {
        return null;
      }
      return unit === "days" ? "P" + n + "D" : unit === "hours" ? "PT" + n + "H" : "PT" + n + "M";
    }

    function approvers() {
      if (!body || !window.fetch) {
        return;
      }
      var ids = selected().map(function (c) {
        return c.id;
      });
      if (!ids.length) {
        body.textContent = "";
        body.appendChild(text("p", "Tick an entitlement to see who must approve it, and how many.", "muted"));
        return;
      }
      var params = ids.map(function (id) {
        return "entitlement=" + encodeURIComponent(id);
      });
      var iso = isoOf();
      if (iso) {
        params.push("duration=" + encodeURIComponent(iso));
      }
      var mine = ++pending;
      body.setAttribute("aria-busy", "true");
      fetch("/ui/catalog/approvals?" + params.join("&"), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        redirect: "error",
      })
        .then(function (r) {
          if (!r.ok) {
            throw new Error("HTTP " + r.status);
          }
          return r.json();
        })
        .then(function (answer) {
          if (mine === pending) {
            render(answer);
          }
        })
        .catch(function () {
          // the server-rendered text and "Show who approves" still work
        })
        .then(function () {
          if (mine === pending) {
            body.removeAttribute("aria-busy");
            form.setAttribute("data-approvers", "shown");
          }
        });
    }

    function changed() {
      durations();
      inputs();
      approvers();
    }

    boxes.forEach(function (b) {
      b.addEventListener("change", function () {
        changed();
        if (q) {
          filter();
        }
      });
    });
    if (duration) {
      duration.addEventListener("change", function () {
        durations();
        approvers();
      });
    }
    ["duration-amount", "duration-unit"].forEach(function (id) {
      var el = $(id);
      if (el) {
        el.addEventListener("change", approvers);
      }
    });
    durations();
    inputs();
    if (selected().length && !body.querySelector(".approver-plan")) {
      approvers();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
