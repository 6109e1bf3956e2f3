/*
 * Cradle chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" defer></script>
 * Optional data- attributes: data-title, data-exit-url (Quick exit destination).
 * Every bot message is rendered with textContent: no HTML from a message or the catalogue is
 * ever injected. The conversation is kept only in sessionStorage and cleared by Clear chat and
 * Quick exit.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src, document.baseURI);
  // The chat API (a Rasa channel); the web server writes in its configured address.
  var CHAT_URL = "/api/chat";
  var api = script.getAttribute("data-api") || new URL(CHAT_URL, base).href;
  var title = script.getAttribute("data-title") || "Cradle: parent wellbeing chat";
  var exitUrl = script.getAttribute("data-exit-url") || "https://www.bbc.co.uk/weather";
  // Fixed text for when the server cannot answer: the crisis numbers are always in it.
  var rateLimited = "You're sending messages very quickly. Please wait a minute and try again. If you need help now, call 999 in an emergency, or Samaritans free on 116 123, day or night.";
  var cannotConnect = "Sorry, I can't connect right now. If you need help now, call NHS 111, or Samaritans free on 116 123. In an emergency, call 999.";
  // Shown in an empty chat, so a parent opening it at 3 a.m. is not met by a blank panel (the
  // fifth user test). Not a message from the server: nothing is sent until they write.
  var welcomeText = "Tell me what's on your mind, in your own words, or ask for support near you. I'm an automated helper for parents in Warwickshire, not a person. In an emergency, call 999.";
  var STORE = "cradle-chat";
  // The server's signed session id, kept for this tab only. On a council's own site the
  // session cookie is third-party and often blocked, so the widget sends it as a header too.
  var TOKEN = "cradle-session";
  function sessionHeaders(extra) {
    var headers = extra || {};
    try { var t = sessionStorage.getItem(TOKEN); if (t) headers["X-Cradle-Session"] = t; } catch (e) { /* private mode */ }
    return headers;
  }
  function keepSession(response) {
    var t = response.headers.get("X-Cradle-Session");
    if (t) { try { sessionStorage.setItem(TOKEN, t); } catch (e) { /* private mode */ } }
    return response;
  }
  var escPresses = 0, escTimer = null;

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("/static/widget.css", base).href;
  document.head.appendChild(css);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var root = el("div", { "class": "cradle" });
  var opener = el("button", { "type": "button", "class": "cradle-open", "aria-expanded": "false",
                              "aria-controls": "cradle-panel" }, "Chat with Cradle");
  var panel = el("section", { "id": "cradle-panel", "class": "cradle-panel", "aria-labelledby": "cradle-title", "hidden": "" });
  var head = el("div", { "class": "cradle-head" });
  var heading = el("h2", { "id": "cradle-title", "class": "cradle-title" }, title);
  var exit = el("button", { "type": "button", "class": "cradle-exit" }, "Quick exit");
  var close = el("button", { "type": "button", "class": "cradle-close", "aria-label": "Close chat" }, "Close");
  head.append(heading, exit, close);
  var banner = el("p", { "class": "cradle-banner", "hidden": "" });
  var crisis = el("div", { "class": "cradle-crisis", "role": "alert", "hidden": "" });
  var log = el("div", { "class": "cradle-log", "role": "log", "aria-live": "polite", "aria-label": "Conversation", "tabindex": "0" });
  var typing = el("p", { "class": "cradle-typing", "hidden": "" }, "Cradle is typing...");
  var form = el("form", { "class": "cradle-form" });
  var label = el("label", { "for": "cradle-input", "class": "cradle-label" }, "Your message");
  var input = el("textarea", { "id": "cradle-input", "rows": "2", "maxlength": "1000", "autocomplete": "off" });
  var send = el("button", { "type": "submit", "class": "cradle-send" }, "Send");
  form.append(label, input, send);
  var foot = el("div", { "class": "cradle-foot" });
  var clear = el("button", { "type": "button", "class": "cradle-clear" }, "Clear chat");
  var privacy = el("p", { "class": "cradle-privacy" },
    "Cradle is automated, not a person. This chat is saved in this browser tab until you close it or press Clear chat. Our server deletes conversations after 30 days and never keeps what you type in its statistics.");
  foot.append(clear, privacy);
  panel.append(head, crisis, banner, log, typing, form, foot);
  root.append(opener, panel);
  document.body.appendChild(root);

  function saved() {
    try { return JSON.parse(sessionStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function store(all) {
    try { sessionStorage.setItem(STORE, JSON.stringify(all.slice(-100))); } catch (e) { /* full */ }
  }
  function save(entry) {
    var all = saved(); all.push(entry); store(all);
  }
  // A set of quick replies is removed once used, and must stay removed after a reload: the
  // saved reply remembers which of its messages' buttons were used.
  function markUsed(id, index) {
    var all = saved();
    all.forEach(function (entry) { if (id && entry.id === id) entry.used = (entry.used || []).concat(index); });
    store(all);
  }

  function showWelcome() {
    var welcome = el("div", { "class": "cradle-msg cradle-bot-intro" });
    welcome.appendChild(el("p", {}, welcomeText));
    log.appendChild(welcome);
  }

  function addBubble(who, text) {
    // tabindex -1: not a tab stop, but focus can be moved to a new answer (see render).
    var item = el("div", who === "bot" ? { "class": "cradle-msg cradle-bot", "tabindex": "-1" }
                                       : { "class": "cradle-msg cradle-user" });
    item.appendChild(el("span", { "class": "cradle-visually-hidden" }, who === "user" ? "You said: " : "Cradle said: "));
    text.split(/\n{2,}/).forEach(function (para) {
      item.appendChild(who === "bot" ? linkify(para) : el("p", {}, para));
    });
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  // Web addresses in bot text become links, built with the DOM (never innerHTML).
  function linkify(para) {
    var p = el("p", {});
    var pattern = /https:\/\/[^\s<>"]+[^\s<>".,;:)]/g, last = 0, match;
    while ((match = pattern.exec(para)) !== null) {
      p.appendChild(document.createTextNode(para.slice(last, match.index)));
      var href = safeHref(match[0]);
      p.appendChild(href ? el("a", { "href": href, "rel": "noopener noreferrer", "target": "_blank" }, match[0])
                         : document.createTextNode(match[0]));
      last = match.index + match[0].length;
    }
    p.appendChild(document.createTextNode(para.slice(last)));
    return p;
  }

  function addButtons(buttons, onUse) {
    var group = el("div", { "class": "cradle-quick", "role": "group", "aria-label": "Suggested replies" });
    buttons.forEach(function (b) {
      if (/^tel:[0-9]+$/.test(b.payload || "")) {
        // "Call 999" is a link the phone can dial, not a message to the bot.
        group.appendChild(el("a", { "class": "cradle-call", "href": b.payload }, b.title));
        return;
      }
      var btn = el("button", { "type": "button" }, b.title);
      btn.addEventListener("click", function () {
        onUse();
        // The pressed button is removed: keep focus in the conversation until the answer
        // comes, then render moves it to the answer's start, so a screen reader reads it.
        log.focus({ preventScroll: true });
        group.remove();
        ask(b.payload, b.title, true);
      });
      group.appendChild(btn);
    });
    log.appendChild(group);
    log.scrollTop = log.scrollHeight;
  }

  function safeHref(url) {
    try { var u = new URL(url); return (u.protocol === "https:" || u.protocol === "http:") ? u.href : null; }
    catch (e) { return null; }
  }

  function addCards(cards) {
    var list = el("ul", { "class": "cradle-cards", "aria-label": "Services" });
    cards.forEach(function (c) {
      var card = el("li", { "class": "cradle-card" });
      card.appendChild(el("h3", {}, c.name));
      // The mark as it really is: the scheme's own words, e.g. "Listed by Cradle from public
      // information. Not yet checked by a quality scheme." Only a real award gets the badge.
      if (c.kitemark && c.kitemark.label) {
        var real = c.kitemark.real && c.kitemark.status === "awarded";
        card.appendChild(el("p", { "class": real ? "cradle-badge" : "cradle-listing" }, c.kitemark.label));
      }
      var opening = c.opening || {};
      // Unknown hours point to where they can be found, never to a website the card lacks.
      var when = opening.always_open ? "Open now, 24 hours a day"
        : opening.open_now ? "Open now"
        : opening.next_open_text ? "Opens " + opening.next_open_text
        : c.url ? "Check opening times on the website"
        : (c.phones || []).length ? "Call to check opening times"
        : "";
      if (when) card.appendChild(el("p", { "class": "cradle-open-now" }, when));
      card.appendChild(el("p", {}, c.description));
      (c.phones || []).forEach(function (p) {
        var digits = String(p.number).replace(/[^0-9+]/g, "");
        var link = el("a", { "href": (p.type === "text" ? "sms:" : "tel:") + digits },
          (p.type === "text" ? "Text " : "Call ") + p.number);
        card.appendChild(link);
      });
      var href = c.url && safeHref(c.url);
      if (href) {
        card.appendChild(el("a", { "href": href, "rel": "noopener noreferrer", "target": "_blank" }, "Website (opens in a new tab)"));
      }
      list.appendChild(card);
    });
    log.appendChild(list);
    log.scrollTop = log.scrollHeight;
  }

  // The panel's own numbers, for when no reply says which (a refused or failed request): the
  // same as `default` under crisis_panel in content/responses.yml.
  var crisisLinks = [["Call 999", "tel:999"], ["Samaritans 116 123 (free, 24/7)", "tel:116123"], ["Text SHOUT to 85258", "sms:85258"]];

  // The reply's own crisis links (after abuse help, the abuse helplines), used only when every
  // one is a label with a phone or text link; anything else gets the fixed list above.
  function linksFrom(lines) {
    if (!Array.isArray(lines) || !lines.length || lines.length > 5) return crisisLinks;
    var ok = lines.every(function (l) {
      return l && typeof l.label === "string" && l.label.length > 0 && l.label.length <= 80
        && typeof l.href === "string" && /^(tel|sms):\+?[0-9]{3,15}$/.test(l.href);
    });
    return ok ? lines.map(function (l) { return [l.label, l.href]; }) : crisisLinks;
  }

  function showCrisis(tier, lines) {
    if (tier !== "urgent" && tier !== "emergency") return;
    crisis.textContent = "";
    crisis.appendChild(el("p", { "class": "cradle-crisis-title" }, "If you or your baby are in danger, get help now"));
    linksFrom(lines).forEach(function (i) { crisis.appendChild(el("a", { "href": i[1] }, i[0])); });
    crisis.hidden = false;
  }

  // entry: a saved bot turn, { id, reply, used }. focus: move focus to the new answer.
  function render(entry, focus) {
    var start = log.children.length;
    var messages = entry.reply.messages || [];
    var c = entry.reply.contract || {};
    var cards = c.cards || [];
    // The cards go where the bot sent them ("These can help..." then the cards, then "Was this
    // helpful?"); a reply saved without cards_after shows them last, as before.
    var cardsAfter = typeof c.cards_after === "number" ? c.cards_after : messages.length;
    messages.forEach(function (m, i) {
      if (i === cardsAfter && cards.length) addCards(cards);
      if (m.text) addBubble("bot", m.text);
      if (m.buttons && m.buttons.length && (entry.used || []).indexOf(i) < 0) {
        addButtons(m.buttons, function () { markUsed(entry.id, i); });
      }
    });
    if (cardsAfter >= messages.length && cards.length) addCards(cards);
    showCrisis(c.safety, c.crisis_lines);
    // Show the start of the new reply, not its end: on a phone a parent reads from the top.
    var first = log.children[start];
    if (first) log.scrollTop = Math.max(0, first.offsetTop - 8);
    var answer = Array.prototype.filter.call(log.children, function (node, i) {
      return i >= start && node.classList.contains("cradle-bot");
    })[0];
    if (focus && answer) answer.focus({ preventScroll: true });
  }

  function ask(payload, shown, focusAnswer) {
    addBubble("user", shown);
    save({ who: "user", text: shown });
    typing.hidden = false;
    send.disabled = true;
    fetch(api, { method: "POST", credentials: "include", headers: sessionHeaders({ "Content-Type": "application/json" }),
                 body: JSON.stringify({ message: payload }) })
      .then(keepSession)
      .then(function (r) {
        if (r.status === 429) {
          // The server's 429 carries crisis text when the message was a crisis; the crisis
          // panel is shown either way, so a parent told to wait still sees the numbers.
          return r.json().catch(function () { return {}; }).then(function (body) {
            var reply = (body && body.messages) ? body : { messages: [{ text: rateLimited }], contract: {} };
            reply.contract = reply.contract || {};
            if (reply.contract.safety !== "emergency") reply.contract.safety = "urgent";
            return reply;
          });
        }
        if (!r.ok) throw new Error("status " + r.status);
        return r.json();
      })
      .catch(function () {
        return { messages: [{ text: cannotConnect }], contract: { safety: "urgent" } };
      })
      .then(function (reply) {
        typing.hidden = true;
        send.disabled = false;
        var entry = { who: "bot", id: Date.now().toString(36) + Math.random().toString(36).slice(2), reply: reply };
        render(entry, focusAnswer);
        save(entry);
      });
  }

  function endSession() {
    // The server forgets the conversation too (Rasa restarts it, the cookie is dropped).
    // keepalive: Quick exit navigates away at once, and the request must still be sent.
    try {
      fetch(api + "/end", { method: "POST", credentials: "include", headers: sessionHeaders(), keepalive: true })
        .catch(function () { /* leaving anyway */ });
    } catch (e) { /* old browsers: the server session then ends after 30 days */ }
  }

  function clearChat() {
    endSession();
    try { sessionStorage.removeItem(STORE); sessionStorage.removeItem(TOKEN); } catch (e) { /* ignore */ }
    log.textContent = "";
    showWelcome();
    crisis.hidden = true;
    input.value = "";
  }

  function quickExit() {
    clearChat();
    panel.hidden = true;
    window.location.replace(exitUrl);
  }

  function outOfHours() {
    // Office hours in the UK, whatever the visitor's own clock says.
    var parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", weekday: "short",
                                                   hour: "numeric", hourCycle: "h23" }).formatToParts(new Date());
    var day = "", hour = 12;
    parts.forEach(function (p) { if (p.type === "weekday") day = p.value; if (p.type === "hour") hour = Number(p.value); });
    return day === "Sat" || day === "Sun" || hour < 9 || hour >= 17;
  }

  function openPanel() {
    if (outOfHours()) {
      banner.textContent = "It's outside office hours. Services marked \u201cOpen now\u201d can help now. In an emergency, call 999.";
      banner.hidden = false;
    }
    panel.hidden = false;
    opener.setAttribute("aria-expanded", "true");
    input.focus();
  }
  function closePanel() {
    panel.hidden = true;
    opener.setAttribute("aria-expanded", "false");
    opener.focus();
  }

  opener.addEventListener("click", function () { panel.hidden ? openPanel() : closePanel(); });
  close.addEventListener("click", closePanel);
  exit.addEventListener("click", quickExit);
  clear.addEventListener("click", function () { clearChat(); input.focus(); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    input.value = "";
    ask(text, text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    escPresses += 1;
    clearTimeout(escTimer);
    escTimer = setTimeout(function () { escPresses = 0; }, 800);
    if (escPresses >= 2) quickExit();
  });

  showWelcome();
  saved().forEach(function (entry) {
    if (entry.who === "user") addBubble("user", entry.text); else render(entry, false);
  });
})();
