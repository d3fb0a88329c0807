// The sample site's own script: the data each page reports, and the call's status shown on the
// page while the visitor talks to the brand (the tag fires CALL_STATUS).
(function () {
  var path = location.pathname;
  if (path.indexOf("/product/") === 0) {
    beckon.sdes.push({type: "prodView", products: [{product: {name: "Home insurance", category: "insurance", sku: "HOME-1", price: 240}}]});
  }
  if (path === "/cart") {
    beckon.sdes.push({type: "cart", total: 240, currency: "USD", numItems: 1,
      products: [{product: {name: "Home insurance", sku: "HOME-1", price: 240}, quantity: 1}]});
  }
  beckon.sdes.push({type: "ctmrinfo", info: {ctype: "prospect", cstatus: "new"}});
  var labels = {REQUESTED: "Your call is requested…", QUEUED: "Finding a free agent…", RINGING: "Your phone is ringing",
    CONNECTED: "You are talking to an agent", ON_HOLD: "On hold…", COMPLETED: "Call completed — thank you!",
    NO_ANSWER: "We could not reach you", BUSY: "Your line was busy", FAILED: "The call could not be placed", CANCELLED: "Call cancelled"};
  function whenTagReady(run) {
    if (window.beckon && beckon.events && beckon.events.bind) return run();
    setTimeout(function () { whenTagReady(run); }, 100);
  }
  whenTagReady(function () {
    beckon.events.bind("CALL_STATUS", function (update) {
      var box = document.getElementById("call-status");
      box.hidden = false;
      box.dataset.status = update.status;
      box.textContent = "Your call: " + (labels[update.status] || update.status);
    });
  });
})();
