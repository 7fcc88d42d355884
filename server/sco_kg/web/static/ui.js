/* sco-kg: YASGUI on the home page, one tab per competency question.
   The examples come from <script type="application/json" id="sco-kg-examples"> (data, not
   code: the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  var host = document.getElementById("yasgui");
  var data = document.getElementById("sco-kg-examples");
  if (!host || !data || typeof Yasgui === "undefined") return;
  var config = JSON.parse(data.textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  // Only completions that need no other host: the bundled prefixes and the query's own
  // variables (the class and property completers would ask lov.linkeddata.es).
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var initialHash = window.location.hash;  // YASGUI clears the URL when it reads a share link
  var yasgui = new Yasgui(host, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    autoAddOnInit: false,
    populateFromUrl: true,  // YASGUI's share links (?query=...) open as a tab
    yasqe: { autocompleters: ["prefixes", "variables"] },
    tabName: "Query"
  });
  var shared = new URLSearchParams(window.location.search).has("query");  // a share link's tab stays active
  var ids = {};
  config.examples.forEach(function (example, i) {
    var tab = yasgui.addTab(i === 0 && !shared, {
      name: example.title.length > 40 ? example.title.slice(0, 38) + "…" : example.title,
      yasqe: { value: example.query },
      requestConfig: { endpoint: endpoint }
    });
    ids[example.name] = tab.getId();
    tab.getEl && tab.getEl() && tab.getEl().setAttribute("data-question", example.name);
  });
  if (!config.examples.length && !shared) {
    yasgui.addTab(true, {
      name: "Query",
      yasqe: { value: "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?thing ?label WHERE {\n  ?thing rdfs:label ?label\n} LIMIT 20" },
      requestConfig: { endpoint: endpoint }
    });
  }
  function select(hash) {
    var name = decodeURIComponent((hash || "").slice(1));
    if (name && ids[name]) yasgui.selectTabId(ids[name]);
  }
  window.addEventListener("hashchange", function () { select(window.location.hash); });
  select(initialHash);
  // IRIs of this dataset in the results open their page on this host
  if (config.base) {
    host.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || link.closest(".CodeMirror")) return;
      var href = link.getAttribute("href");
      if (href.indexOf(config.base) === 0) {
        event.preventDefault();
        window.location.href = "/" + href.slice(config.base.length);
      }
    });
  }
  window.scoKgYasgui = yasgui;
})();
