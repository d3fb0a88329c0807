/* Beckon website tag (SPEC §3): plain JavaScript, no dependencies. It never throws into the host
   page: every entry point is guarded, and a server that does not answer leaves the page as it was.
   scripts/build-tag minifies this file into beckon.min.js, which the server serves with the site's
   settings in place of the config object below. */
(function (w, d) {
  "use strict";
  var cfg = /*@config*/ {"accountId": "", "siteId": ""} /*@end*/;
  var api = w.beckon = w.beckon || {};
  if (api.loaded) return;
  api.loaded = true;
  var script = d.currentScript;
  var base = cfg.base || (script && script.src ? script.src.replace(/\/tag\/v1\/.*$/, "") : "");
  var path = base + "/api/account/" + cfg.accountId + "/app/" + cfg.siteId;
  var consented = !(script && script.getAttribute("data-consent") === "required");
  // Under a Content-Security-Policy with a nonce, the styles the tag injects carry it (browsers
  // hide a script's nonce attribute from getAttribute, so the property first, data-nonce else).
  var nonce = String((script && (script.nonce || script.getAttribute("data-nonce"))) || "").replace(/[^A-Za-z0-9+\/=_-]/g, "");
  function style(css) { return "<style" + (nonce ? " nonce=\"" + nonce + "\"" : "") + ">" + css + "</style>"; }
  var started = false, vid = null, sid = null, pageId = null, url = null, retry = null, flush = null;
  var handlers = {}, shown = {}, pending = [];
  // The console's preview (/tag/v1/preview.js): the engagement in the page's
  // <script type="application/json" id="beckon-preview">, drawn by the same code as on a site,
  // talking to no server.
  var preview = !!cfg.preview;

  function guard(fn) {
    return function () {
      try { return fn.apply(this, arguments); } catch (e) { return undefined; }
    };
  }
  function storage(kind) {
    try { return w[kind]; } catch (e) { return null; }
  }
  function get(kind, key) {
    var s = storage(kind);
    try { return s ? s.getItem(key) : null; } catch (e) { return null; }
  }
  function set(kind, key, value) {
    var s = storage(kind);
    try { if (s) { if (value === null) s.removeItem(key); else s.setItem(key, value); } } catch (e) { /* full or blocked */ }
  }

  // The visitor id: a first-party cookie, localStorage as fallback. The visit id: sessionStorage.
  function readIds() {
    var m = /(?:^|;\s*)beckon_vid=([A-Za-z0-9_-]{22})/.exec(d.cookie || "");
    vid = (m && m[1]) || get("localStorage", "beckon_vid");
    sid = get("sessionStorage", "beckon_sid");
  }
  function writeIds() {
    if (!consented) return;
    var secure = w.location.protocol === "https:" ? "; Secure" : "";
    d.cookie = "beckon_vid=" + vid + "; Max-Age=31536000; Path=/; SameSite=Lax" + secure;
    set("localStorage", "beckon_vid", vid);
    set("sessionStorage", "beckon_sid", sid);
  }
  function forgetIds() {
    d.cookie = "beckon_vid=; Max-Age=0; Path=/";
    set("localStorage", "beckon_vid", null);
    set("sessionStorage", "beckon_sid", null);
    vid = sid = null;
  }

  // Events, bound as LivePerson's lpTag.events: bind(eventName, fn), bind(appName, eventName, fn)
  // or bind({appName, eventName, func, context, triggerOnce, async}). The callback gets the data
  // and {eventName, appName}. Apps: "LP_OFFERS" (OFFER_*), "lp_sdes" (VAR_ADDED), "BECKON".
  var appOf = {VAR_ADDED: "lp_sdes", CALL_STATUS: "BECKON"};
  function emit(name, data, app) {
    app = app || appOf[name] || (/^OFFER_/.test(name) ? "LP_OFFERS" : "BECKON");
    var list = (handlers[name] || []).concat(handlers["*"] || []);
    for (var i = 0; i < list.length; i++) {
      var b = list[i];
      if (b.app !== "*" && b.app !== app) continue;
      if (b.once) unbind(b);
      var call = guard(function (b) { b.func.call(b.context, data, {eventName: name, appName: app}); });
      if (b.async) setTimeout(call.bind(null, b), 0); else call(b);
    }
  }
  function binding(a, b, c) {
    if (a && typeof a === "object") {
      return {app: a.appName || "*", name: a.eventName, func: a.func, context: a.context || null, once: !!a.triggerOnce, async: !!a.async};
    }
    if (typeof b === "function") return {app: "*", name: a, func: b, context: null};
    return {app: a || "*", name: b, func: c, context: null};
  }
  function unbind(b) {
    handlers[b.name] = (handlers[b.name] || []).filter(function (x) { return x !== b; });
  }
  api.events = {
    bind: guard(function (a, b, c) {
      var x = binding(a, b, c);
      if (typeof x.func !== "function" || !x.name) return null;
      (handlers[x.name] = handlers[x.name] || []).push(x);
      return x;
    }),
    unbind: guard(function (a, b, c) {
      // An id bind answered, or the same arguments bind was given.
      if (a && a.func && a.name) return unbind(a);
      var x = binding(a, b, c);
      handlers[x.name] = (handlers[x.name] || []).filter(function (y) {
        return !(y.func === x.func && (x.app === "*" || y.app === x.app));
      });
    }),
    trigger: guard(function (a, b, c) {
      if (c !== undefined || (typeof a === "string" && typeof b === "string")) emit(b, c, a);
      else emit(a, b);
    })
  };

  // POST with a text/plain body is a "simple" CORS request: no preflight round trip.
  function send(endpoint, body, done) {
    if (preview || !consented || !w.fetch) return;
    var query = "?v=1.0" + (vid ? "&vid=" + vid : "") + (sid ? "&sid=" + sid : "");
    w.fetch(path + endpoint + query, {
      method: "POST", body: JSON.stringify(body), headers: {"Content-Type": "text/plain;charset=UTF-8"},
      credentials: "omit", keepalive: true
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(guard(function (answer) { if (answer && done) done(answer); }), function () { /* offline: stay quiet */ });
  }

  function entryPoints(pageUrl) {
    var list = [pageUrl], sections = [].concat(api.section || []);
    for (var i = 0; i < sections.length; i++) list.push("sec://" + sections[i]);
    if (w.navigator && navigator.language) list.push("lang://" + navigator.language);
    return list;
  }
  function device() {
    var ua = (w.navigator && navigator.userAgent) || "";
    return /iPad|Tablet/i.test(ua) ? "TABLET" : /Mobi|Android|iPhone/i.test(ua) ? "MOBILE" : "DESKTOP";
  }

  function pageView(again) {
    clearTimeout(retry);
    var body = {
      entryPoints: entryPoints(url), page: {url: url, title: d.title, referrer: d.referrer},
      clientProperties: {deviceFamily: device()}, engagementAttributes: pending.splice(0, 50)
    };
    if (again) body.pageId = pageId;
    send("/engagement", body, function (answer) {
      vid = answer.visitorId;
      sid = answer.sessionId;
      pageId = answer.pageId;
      writeIds();
      // SDEs pushed while this page view was on its way go now, not with the next page view.
      if (pending.length && !flush) flush = setTimeout(guard(flushAttributes), 0);
      var list = answer.engagementDetails || [];
      for (var i = 0; i < list.length; i++) guard(render)(list[i]);
      if (answer.retryAfterMs > 0) retry = setTimeout(guard(function () { pageView(true); }), answer.retryAfterMs);
    });
  }

  function report(events, done) {
    if (!vid || !sid) return;
    send("/report", {pageId: pageId, engagementAttributes: events}, done);
  }
  function flushAttributes() {
    flush = null;
    if (pageId && pending.length) report(pending.splice(0, 50));
  }
  function impression(type, x) {
    return {type: type, campaign: x.campaignId, engId: x.engagementId, revision: x.engagementRevision,
      eContext: [{type: "engagementContext", id: x.contextId}]};
  }

  // {{name}} from beckon.vars, HTML-escaped; the same rules as the server's CreativeRenderer.
  function fill(html) {
    var vars = api.vars || {};
    return String(html).replace(/\{\{\s*([A-Za-z0-9_.-]{1,64})\s*\}\}/g, function (all, name) {
      var value = vars[name];
      return value === undefined || value === null ? "" : String(value).replace(/[&<>"']/g, function (c) {
        return "&#" + c.charCodeAt(0) + ";";
      });
    });
  }

  var placementCSS = {
    overlay: ":host{position:fixed;inset:0;z-index:2147483000;display:flex;align-items:center;justify-content:center;background:rgba(0,0,0,.45)}",
    toaster: ":host{position:fixed;right:16px;bottom:16px;z-index:2147483000;max-width:360px}",
    slideout: ":host{position:fixed;right:0;top:30%;z-index:2147483000;max-width:320px}",
    sticky: ":host{position:fixed;left:0;right:0;bottom:0;z-index:2147483000}",
    embedded: ":host{display:block}"
  };
  // The tag draws the card (the creative styles what is in it); the close button floats in its
  // corner, so text flows beside it instead of leaving a column empty.
  var baseCSS = ".bk-box{position:relative;background:#fff;color:#111;font:15px/1.4 system-ui,sans-serif;" +
    "padding:16px;border-radius:8px;box-shadow:0 4px 24px rgba(0,0,0,.25)}" +
    "beckon-close{float:right;margin:-12px -12px 4px 8px;display:block}.bk-body>:first-child{margin-top:0}" +
    ".bk-body>:last-child{margin-bottom:0}" +
    "[data-beckon-click]:focus-visible{outline:2px solid #1a5fd0;outline-offset:2px}";
  // The close button is the tag's own chrome: it lives in a shadow root of its own, so the
  // creative's CSS (a `button{color:#fff}`, say) cannot make it invisible.
  var closeCSS = ":host{display:block}button{all:initial;font:20px/1 system-ui,sans-serif;color:#333;background:transparent;" +
    "cursor:pointer;padding:4px 8px;border-radius:4px}button:focus-visible{outline:2px solid #1a5fd0;outline-offset:2px}";

  function closeButton() {
    var element = d.createElement("beckon-close");
    element.setAttribute("data-beckon-close", "");
    element.className = "bk-close";
    element.attachShadow({mode: "open"}).innerHTML =
      style(closeCSS) + "<button type=\"button\" aria-label=\"Close\">\u00d7</button>";
    return element;
  }

  function render(x) {
    if (shown[x.engagementId]) remove(x.engagementId, null);
    var host = d.createElement("div");
    host.setAttribute("data-beckon-engagement", x.engagementId);
    host.setAttribute("data-beckon-context", x.contextId);
    var root = host.attachShadow({mode: "open"});
    var label = x.type === "clickToCall" ? "Call offer" : "Offer";
    root.innerHTML = style((placementCSS[x.placement] || placementCSS.toaster) + baseCSS) + style(x.content.css || "") +
      "<div class=\"bk-box\" role=\"dialog\" aria-label=\"" + label +
      "\"><div class=\"bk-body\">" + fill(x.content.html) + "</div><div class=\"bk-status\" role=\"status\" aria-live=\"polite\"></div></div>";
    var box = root.querySelector(".bk-box");
    box.insertBefore(closeButton(), box.firstChild);
    var place = x.placement === "embedded" && x.target ? d.querySelector(x.target) : d.body;
    if (!place) return;
    place.appendChild(host);
    var entry = shown[x.engagementId] = {detail: x, host: host, state: "displayed", timer: null, pageId: pageId};
    var targets = root.querySelectorAll("[data-beckon-click]");
    if (!targets.length) targets = [root.querySelector(".bk-body")];
    for (var i = 0; i < targets.length; i++) targets[i].addEventListener("click", guard(function (e) { e.preventDefault(); accept(x); }));
    var closers = root.querySelectorAll("[data-beckon-close]");
    for (var j = 0; j < closers.length; j++) closers[j].addEventListener("click", guard(function () { decline(x); }));
    root.addEventListener("keydown", guard(function (e) { if (e.key === "Escape") decline(x); }));
    if (x.placement === "overlay" && targets[0] && targets[0].focus) targets[0].focus();
    if (x.timeoutSeconds > 0) {
      entry.timer = setTimeout(guard(function () {
        report([impression("impTimeout", x)]);
        remove(x.engagementId, "timeout");
        emit("OFFER_TIMEOUT", info(x.engagementId));
      }), x.timeoutSeconds * 1000);
    }
    report([impression("impDisplay", x)]);
    emit("OFFER_DISPLAY", info(x.engagementId));
  }

  function remove(id, state) {
    var entry = shown[id];
    if (!entry) return;
    clearTimeout(entry.timer);
    if (entry.host.parentNode) entry.host.parentNode.removeChild(entry.host);
    entry.state = state || "removed";
    emit("OFFER_REMOVE", info(id));
  }

  function decline(x) {
    report([impression("impClose", x)]);
    remove(x.engagementId, "closed");
    emit("OFFER_DECLINED", info(x.engagementId));
  }

  // A popup must be opened inside the click itself or blockers stop it; it is pointed at the
  // brand page once the server has answered with the signed click-through.
  function accept(x) {
    var entry = shown[x.engagementId];
    if (preview || !entry || entry.state === "clicked") return;
    entry.state = "clicked";
    clearTimeout(entry.timer);
    var popup = null;
    if (x.type === "clickToCall" && x.openMode !== "sameWindow") {
      popup = w.open("", "_blank", x.openMode === "popup" ? "popup,width=480,height=680" : "");
      if (popup) popup.opener = null;
    }
    emit("OFFER_CLICK", info(x.engagementId));
    report([impression("impAccept", x)], function (answer) {
      var through = answer.clickThrough;
      if (!through) { if (popup) popup.close(); ready(x); return; }
      entry.clickThrough = through;
      if (popup) { popup.location.href = through.url; listen(x, through.token); watch(x, popup); }
      else w.location.href = through.url;
    });
  }

  // Once a call has ended (or the visitor closed the brand's page), the engagement can be clicked
  // again: a new click-through, within the account's click limits.
  function ready(x) {
    var entry = shown[x.engagementId];
    if (entry && entry.state === "clicked") entry.state = "displayed";
  }

  function watch(x, popup) {
    var timer = setInterval(guard(function () {
      if (!popup.closed) return;
      clearInterval(timer);
      ready(x);
    }), 1000);
  }

  // After a click, the call's status streams in (SSE, authorized by the click token): shown in
  // the engagement and fired as CALL_STATUS, until the call ends.
  var statusText = {REQUESTED: "Call requested\u2026", QUEUED: "You are in the queue\u2026", RINGING: "Calling you now\u2026",
    CONNECTED: "You are connected.", ON_HOLD: "On hold\u2026", COMPLETED: "Call completed. Thank you!",
    NO_ANSWER: "We could not reach you.", BUSY: "Your line was busy.", FAILED: "The call could not be placed.",
    CANCELLED: "The call was cancelled."};
  function listen(x, token) {
    if (!w.EventSource) return;
    var source = new w.EventSource(base + "/api/account/" + cfg.accountId + "/monitoring/visitors/" + vid +
      "/visits/current/status-stream?sid=" + sid + "&token=" + encodeURIComponent(token));
    source.addEventListener("status", guard(function (e) {
      var update = JSON.parse(e.data);
      if (update.contextId !== String(x.contextId)) return;
      var entry = shown[x.engagementId];
      var box = entry && entry.host.shadowRoot && entry.host.shadowRoot.querySelector(".bk-status");
      if (box) box.textContent = statusText[update.status] || update.status;
      emit("CALL_STATUS", update);
      if (/^(COMPLETED|NO_ANSWER|BUSY|FAILED|CANCELLED)$/.test(update.status)) {
        source.close();
        ready(x);
      }
    }));
  }

  // LivePerson's engagementType codes by placement.
  var lpType = {overlay: 1, toaster: 2, slideout: 3, embedded: 5, sticky: 6};

  // An engagement as LivePerson's OFFER_* events and Engagement Trigger API describe it (integer
  // engagementType and agent state, contexts, confKey), plus Beckon's type, placement and status
  // (displayed, clicked, closed, timeout, removed); {} when it is not on the page.
  function info(id) {
    var entry = shown[id];
    if (!entry) return {};
    var x = entry.detail;
    return {engagementId: x.engagementId, campaignId: x.campaignId, engagementRevision: x.engagementRevision,
      contextId: x.contextId, contexts: [{EngagementContext: {id: String(x.contextId)}}, {pageContext: {id: String(entry.pageId)}}],
      engagementType: lpType[x.placement] === undefined ? 2 : lpType[x.placement], engagementName: x.engagementName || "",
      confKey: x.campaignId + "_" + x.engagementId + "_" + x.engagementRevision, state: 1,
      type: x.type, placement: x.placement, status: entry.state};
  }

  var queued = api.sdes;
  var pushedSDEs = [];
  function addSDEs(args) {
    for (var i = 0; i < args.length; i++) {
      var sde = args[i];
      // LivePerson's sdes.push takes an SDE or an array of them.
      if (Object.prototype.toString.call(sde) === "[object Array]") { addSDEs(sde); continue; }
      if (!sde || typeof sde !== "object") continue;
      pending.push(sde);
      pushedSDEs.push(sde);
      emit("VAR_ADDED", sde);
    }
  }
  api.sdes = {
    push: guard(function () {
      addSDEs(arguments);
      if (started && pageId && !flush) flush = setTimeout(guard(flushAttributes), 0);
    }),
    // Sent at once rather than on the next tick.
    send: guard(function () {
      addSDEs(arguments);
      if (started && pageId) flushAttributes();
    }),
    // What the page pushed, of one type or all.
    get: guard(function (type) {
      return pushedSDEs.filter(function (sde) { return !type || sde.type === type; });
    })
  };
  if (queued && queued.length) api.sdes.push.apply(null, queued);
  api.section = api.section || [];

  api.engagement = {
    // true when the engagement is shown and the click went ahead (LivePerson's rendererStub.click).
    click: guard(function (id) {
      var e = shown[id];
      if (!e || e.state !== "displayed") return false;
      accept(e.detail);
      return true;
    }),
    info: guard(info),
    // LivePerson's shape ({state: 1, desc: "online", engagementId}) with Beckon's status.
    state: guard(function (id) {
      var e = shown[id];
      return e ? {state: 1, desc: "online", engagementId: e.detail.engagementId, status: e.state} : {};
    })
  };
  // LivePerson's Engagement Trigger API names (lpTag.taglets.rendererStub): the same answers in its
  // shapes; an engagement not on the page is {} as LivePerson answers.
  api.taglets = api.taglets || {};
  api.taglets.rendererStub = {
    click: api.engagement.click,
    getEngagementInfo: api.engagement.info,
    getEngagementState: api.engagement.state
  };
  api.newPage = guard(function (pageUrl, options) {
    options = options || {};
    if (options.section) api.section = [].concat(options.section);
    if (options.sdes) pending = pending.concat(options.sdes);
    for (var id in shown) if (shown[id].detail.placement !== "embedded" && shown[id].state === "displayed") remove(id, null);
    url = String(pageUrl || w.location.href);
    pageId = null;
    if (started) pageView(false);
  });
  api.consent = guard(function (granted) {
    consented = !!granted;
    if (!consented) { forgetIds(); return; }
    start();
  });

  function start() {
    if (started || !consented) return;
    started = true;
    if (preview) {
      var data = JSON.parse(d.getElementById("beckon-preview").textContent);
      api.vars = data.values || {};
      render(data.engagement);
      return;
    }
    readIds();
    pageView(false);
  }
  url = w.location.href;
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", guard(start));
  else guard(start)();
})(window, document);
