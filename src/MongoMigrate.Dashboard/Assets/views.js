"use strict";
// The job view's markup and its tables.
const JobTemplate = {
  render(jobId) {
    const pool = (name, title) => `
      <div class="card" id="${name}-card"><h2>${title}</h2>
        <div class="pool-head"><button id="${name}-minus" aria-label="fewer ${name} workers">−</button>
        <span class="count" id="${name}-count" data-testid="${name}-count">–</span>
        <button id="${name}-plus" aria-label="more ${name} workers">+</button>
        <span class="muted" id="${name}-note"></span></div>
        <p class="muted" id="${name}-offline" hidden></p>
        ${name === "insertion" ? `<p class="muted" id="insertion-help">Parallel inserts within each chunk; applies to chunks that start after a change.</p>` : `<div id="${name}-pool"></div>`}
      </div>`;
    return `
      <section class="card">
        <h2>Job <span id="job-id">${Format.escape(jobId)}</span> <span id="state"></span> <span id="phase" class="muted"></span></h2>
        <div id="endpoints" class="muted"></div>
        <div id="overall" style="margin:.6rem 0"></div>
        <div class="figures">
          <div><b id="percent">–</b><span>done</span></div>
          <div><b id="documents">–</b><span>documents</span></div>
          <div><b id="bytes">–</b><span>size</span></div>
          <div><b id="rate">–</b><span id="rate-label">throughput</span></div>
          <div><b id="eta">–</b><span>ETA</span></div>
          <div><b id="elapsed">–</b><span>elapsed</span></div>
        </div>
        <div class="toolbar" id="actions">
          <button id="pause">Pause</button><button id="unpause">Unpause</button>
          <button id="adaptive">Adaptive</button><button id="stop" class="danger">Stop</button>
        </div>
        <div id="steering" class="steering" hidden><span id="steering-note"></span><code id="resume-command" hidden></code></div>
        <div id="job-error" class="error-text"></div>
      </section>
      <section class="card" id="throughput-card"><h2>Throughput</h2><canvas id="chart"></canvas><div id="throughput-offline" hidden></div></section>
      <section class="card" id="online-card" hidden><h2>Online: following the source <span id="online-phase" class="muted"></span></h2>
        <div class="figures">
          <div><b id="lag">–</b><span>lag</span></div>
          <div><b id="events-captured">–</b><span>events captured</span></div>
          <div><b id="events-applied">–</b><span>events applied</span></div>
          <div><b id="events-pending">–</b><span>pending</span></div>
          <div><b id="events-rate">–</b><span>events/s</span></div>
          <div><b id="verifier-lag">–</b><span>verifier lag</span></div>
          <div><b id="recheck-pending">–</b><span>rechecks pending</span></div>
          <div><b id="applied-up-to" class="small">–</b><span>applied up to</span></div>
        </div>
        <canvas id="lag-chart"></canvas><p id="lag-offline" class="muted" hidden></p>
        <div class="toolbar" id="cutover-bar"><label><input type="checkbox" id="block-writes"> block writes on the source first</label>
          <button id="cutover" class="danger">Cut over…</button></div>
        <div id="cutover-result" data-testid="cutover-result"></div>
      </section>
      <div class="grid">${pool("dump", "Dump workers")}${pool("restore", "Restore workers")}${pool("insertion", "Insertion workers")}</div>
      <div class="grid">
        <section class="card"><h2>Verification</h2><div id="verification" class="chips"></div>
          <div class="toolbar"><button id="verify">Verify copied collections</button><span id="verify-state"></span></div>
          <div id="verify-result"></div></section>
        <section class="card"><h2>Chunks</h2><div id="chunk-counts" class="chips"></div></section>
      </div>
      <section class="card"><h2>Collections</h2>
        <div id="collections-summary" class="muted"></div>
        <div class="toolbar"><input id="search" type="search" placeholder="search collections" aria-label="search collections">
          <select id="phase-filter" aria-label="phase"><option value="">every phase</option>${["waiting", "planning", "copying", "indexing", "verifying", "done", "failed"].map(p => `<option>${p}</option>`).join("")}</select>
          <button id="prev">‹ previous</button><span id="page-info" class="muted"></span><button id="next">next ›</button></div>
        <table><thead><tr><th>Collection</th><th>Phase</th><th>Progress</th><th class="num">Chunks r/t</th><th class="num">Failed</th><th class="num">Documents</th><th class="num">Size</th></tr></thead>
        <tbody id="collections"></tbody></table>
      </section>
      <section class="card"><h2>Chunks of <span id="chunk-collection" class="muted">(click a collection)</span></h2>
        <table><thead><tr><th>#</th><th>_id range</th><th>Status</th><th class="num">Attempts</th><th class="num">Documents</th><th class="num">Size</th><th>Verified</th><th>Error</th></tr></thead><tbody id="chunks"></tbody></table></section>
      <section class="card"><h2>Errors</h2><table><thead><tr><th>At</th><th>Kind</th><th>Collection</th><th>Chunk</th><th>Message</th></tr></thead><tbody id="errors"></tbody></table></section>`;
  },
};

const PoolTable = {
  render(element, pool, paused) {
    if (!element) return;
    const note = element.parentElement.querySelector("[id$='-note']");
    if (!pool) { element.innerHTML = `<p class="muted">No pool now.</p>`; if (note) note.textContent = ""; return; }
    if (note) note.textContent = `${paused ? "paused · " : ""}max ${pool.maxWorkers} · active ${pool.active} · waiting ${pool.waiting} · done ${pool.completed}${pool.stuck ? " · stuck " + pool.stuck : ""}${pool.adaptive ? " · adaptive" : ""}`;
    element.innerHTML = pool.workers.length === 0 ? `<p class="muted">No worker active.</p>` : `<table><thead><tr><th>Worker</th><th>Collection</th><th>Holds</th><th class="num">For</th><th class="num">Idle</th><th class="num">Docs</th></tr></thead><tbody>${
      pool.workers.map(w => `<tr class="${w.stuck ? "stuck" : ""}"><td>${Format.escape(w.workerId)}</td><td>${Format.escape(w.collection)}</td><td class="wrap">${Format.escape(w.workItem ?? "")}</td>
        <td class="num">${Format.duration(w.runningSeconds)}</td><td class="num">${Format.duration(w.idleSeconds)}${w.stuck ? " stuck" : ""}</td><td class="num">${Format.number(w.documents)}</td></tr>`).join("")}</tbody></table>`;
  },
};

const OnlineView = {
  render($, online, steerable) {
    $("#online-card").hidden = !online;
    if (!online) return;
    $("#online-phase").textContent = online.phase;
    $("#lag").textContent = online.lagSeconds == null ? "–" : online.lagSeconds.toFixed(1) + " s";
    $("#events-captured").textContent = Format.number(online.eventsCaptured);
    $("#events-applied").textContent = Format.number(online.eventsApplied);
    $("#events-pending").textContent = Format.number(online.eventsPending);
    $("#events-rate").textContent = Format.number(Math.round(online.eventsPerSecond));
    $("#applied-up-to").textContent = online.appliedUpTo ?? "–";
    $("#verifier-lag").textContent = online.verifierLagSeconds == null ? "–" : online.verifierLagSeconds.toFixed(1) + " s";
    $("#recheck-pending").textContent = online.recheckPending == null ? "–" : Format.number(online.recheckPending) + (online.recheckMismatches ? ` (${Format.number(online.recheckMismatches)} mismatching)` : "");
    const c = online.cutover;
    $("#cutover").disabled = !steerable || (c && (c.state === "asked" || c.cutOver));
    $("#cutover-result").innerHTML = !c ? "" : `<p class="${c.cutOver ? "ok-text" : c.state === "asked" ? "" : "error-text"}">${badge(c.state)} ${Format.escape(c.message)}</p>
      ${c.clusterTime ? `<p class="muted">T = ${Format.escape(c.clusterTime)} · ${c.collections} collection(s) rechecked, ${Format.number(c.documentsRechecked)} document(s), ${Format.number(c.repaired)} repaired${c.writesBlocked ? " · source writes blocked" : ""}</p>` : ""}
      ${c.differences.length ? `<ul>${c.differences.map(d => `<li>${Format.escape(d)}</li>`).join("")}</ul>` : ""}`;
  },
};

const VerifyView = {
  render($, run, steerable) {
    $("#verify").disabled = !steerable || (run && run.state === "running");
    if (!run) { $("#verify-state").textContent = ""; $("#verify-result").innerHTML = ""; return; }
    $("#verify-state").innerHTML = `${badge(run.state)} <span class="muted">${Format.escape(run.verifyJobId)} · ${run.collectionsCompared}/${run.collections} compared · ${Format.percent(run.percent)}</span>`;
    $("#verify-result").innerHTML = `<p>${Format.escape(run.message)}</p>${run.differences.length === 0 ? "" : `<table><thead><tr><th>Collection</th><th class="num">Missing</th><th class="num">Extra</th><th class="num">Different</th><th>Mismatches</th></tr></thead><tbody>${
      run.differences.map(d => `<tr><td>${Format.escape(d.source)}${d.target !== d.source ? " → " + Format.escape(d.target) : ""}</td><td class="num">${d.missing}</td><td class="num">${d.extra}</td><td class="num">${d.different}</td>
        <td class="wrap">${[...d.documents, ...d.optionDifferences, ...d.indexDifferences, ...(d.error ? [d.error] : [])].map(Format.escape).join("<br>")}</td></tr>`).join("")}</tbody></table>`}`;
  },
};

const JobTables = {
  collections($, page, state) {
    const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
    $("#page-info").textContent = `page ${page.pageNumber} of ${pages} (${page.total})`;
    $("#prev").disabled = page.pageNumber <= 1;
    $("#next").disabled = page.pageNumber >= pages;
    $("#prev").hidden = $("#next").hidden = pages <= 1 && page.pageNumber <= 1;
    $("#collections").innerHTML = page.items.length === 0 ? `<tr><td colspan="7" class="muted">No collection matches.</td></tr>` : page.items.map(c => `
      <tr class="clickable${c.source === state.collection ? " selected" : ""}" data-ns="${Format.escape(c.source)}">
      <td>${Format.escape(c.source)}${c.target !== c.source ? " → " + Format.escape(c.target) : ""}</td><td>${badge(c.phase)}</td>
      <td>${bar(c.percent)}</td><td class="num">${c.chunksRestored}/${c.chunksTotal}</td><td class="num">${c.chunksFailed}</td>
      <td class="num">${Format.number(c.documents)}</td><td class="num">${Format.bytes(c.bytes)}</td></tr>`).join("");
  },
  chunks($, view) {
    $("#chunk-counts").innerHTML = view.counts.length === 0 ? `<span class="muted">none recorded yet</span>` : view.counts.map(c => `<span>${badge(c.status)} <b>${c.chunks}</b></span>`).join("");
    if (!view.collection) return;
    $("#chunk-collection").textContent = view.collection + (view.chunks.total > view.chunks.items.length ? ` (the first ${view.chunks.items.length} of ${view.chunks.total} chunks)` : "");
    $("#chunks").innerHTML = view.chunks.items.map(c => `<tr><td>${c.index}</td><td class="wrap">${Format.escape(c.range)}</td><td>${badge(c.status)}</td>
      <td class="num">${c.attempts}</td><td class="num">${Format.number(c.documents)}</td><td class="num">${Format.bytes(c.bytes)}</td><td>${c.verified ? "yes" : ""}</td>
      <td class="wrap error-text">${Format.escape(c.error ?? "")}</td></tr>`).join("");
  },
  errors($, errors) {
    $("#errors").innerHTML = errors.length === 0 ? `<tr><td colspan="5" class="muted">No error.</td></tr>` : errors.map(e => `<tr><td>${Format.time(e.at)}</td><td>${Format.escape(e.kind)}</td>
      <td>${Format.escape(e.collection ?? "")}</td><td>${e.chunk ?? ""}</td><td class="wrap">${Format.escape(e.message)}</td></tr>`).join("");
  },
};
