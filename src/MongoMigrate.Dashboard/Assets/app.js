"use strict";
// The dashboard's page: the job list (#/) and a job's view (#/jobs/ID), kept up to date by server-sent events.
const main = document.getElementById("main");
let current = null; // the open view; closed when the route changes

function toast(text, isError) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.className = "toast show" + (isError ? " error" : "");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.className = "toast"; }, 3500);
}

function confirmAction(text) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  return new Promise(resolve => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
  });
}

function bar(percent, big) {
  return `<div class="bar${big ? " big" : ""}"><span style="width:${Math.max(0, Math.min(100, percent))}%"></span></div>`;
}

function badge(state) { return `<span class="badge ${Format.escape(state)}">${Format.escape(state)}</span>`; }

// ---- the job list ----
function jobList() {
  main.innerHTML = `<section class="card"><h2>Jobs</h2><table><thead><tr><th>Job</th><th>Kind</th><th>State</th><th>Phase</th><th>Progress</th>
    <th class="num">Documents</th><th class="num">Size</th><th class="num">Rate</th><th>Source → target</th></tr></thead><tbody id="jobs"></tbody></table></section>`;
  const body = document.getElementById("jobs");
  const render = jobs => {
    body.innerHTML = jobs.length === 0 ? `<tr><td colspan="9" class="muted">No job yet.</td></tr>` : jobs.map(j => `
      <tr class="clickable" data-job="${Format.escape(j.jobId)}"><td><a href="#/jobs/${encodeURIComponent(j.jobId)}">${Format.escape(j.jobId)}</a></td>
      <td>${Format.escape(j.kind)}</td><td>${badge(j.state)}</td><td>${Format.escape(j.phase)}</td>
      <td>${bar(j.percent)} ${Format.percent(j.percent)}</td><td class="num">${Format.number(j.documents)}</td>
      <td class="num">${Format.bytes(j.bytes)}</td><td class="num">${Format.rate(j.bytesPerSecond)}</td>
      <td class="wrap">${Format.escape(j.source ?? "")} → ${Format.escape(j.target ?? "")}</td></tr>`).join("");
  };
  const stream = Api.stream("/events", "jobs", render);
  body.addEventListener("click", e => {
    const row = e.target.closest("tr[data-job]");
    if (row && e.target.tagName !== "A") location.hash = "#/jobs/" + encodeURIComponent(row.dataset.job);
  });
  return { close: () => stream.close() };
}

// ---- one job ----
function jobView(jobId) {
  const id = encodeURIComponent(jobId);
  main.innerHTML = JobTemplate.render(jobId);
  const chart = new LineChart(document.getElementById("chart"), Format.rate);
  const lagChart = new LineChart(document.getElementById("lag-chart"), v => v.toFixed(1) + " s");
  const state = { page: 1, search: "", phase: "", collection: null, refreshing: false, lastRefresh: 0, job: null, largest: null };
  const $ = sel => main.querySelector(sel);

  const act = async (path, body, done) => {
    try {
      const result = await Api.post(`/jobs/${id}/${path}`, body);
      toast(result.message);
      if (done) done(result);
    } catch (e) { toast(e.message, true); }
  };

  const renderJob = (job, pools) => {
    state.job = job;
    $("#state").outerHTML = `<span id="state">${badge(job.state)}</span>`;
    $("#phase").textContent = job.phase;
    $("#overall").innerHTML = bar(job.percent, true);
    $("#percent").textContent = Format.percent(job.percent);
    $("#documents").textContent = `${Format.number(job.documents)} / ${Format.number(job.estimatedDocuments)}`;
    $("#bytes").textContent = `${Format.bytes(job.bytes)} / ${Format.bytes(job.estimatedBytes)}`;
    const average = job.steerable ? null : OfflineView.averages(job);
    $("#rate").textContent = job.steerable ? `${Format.rate(job.bytesPerSecond)} · ${Format.number(Math.round(job.documentsPerSecond))} docs/s`
      : average ? `${Format.rate(average.bytes)} · ${Format.number(Math.round(average.documents))} docs/s` : "–";
    $("#eta").textContent = Format.duration(job.etaSeconds);
    $("#elapsed").textContent = Format.duration(job.elapsedSeconds);
    $("#endpoints").textContent = `${job.source ?? "?"} → ${job.target ?? "?"}${job.method ? " (" + job.method + ")" : ""}`;
    $("#collections-summary").textContent = `${job.collections.total} collections: ${job.collections.done} done, ${job.collections.copying} copying, ${job.collections.waiting} waiting, ${job.collections.failed} failed`;
    const v = job.verification;
    $("#verification").innerHTML = `<span>mode <b>${Format.escape(v.mode)}</b></span><span>verifying <b>${v.verifying}</b></span><span>verified <b>${v.verified}</b></span><span>failed <b class="${v.failed ? "error-text" : ""}">${v.failed}</b></span>`;
    $("#job-error").textContent = job.error ?? "";
    const w = job.workers;
    $("#pause").disabled = !job.steerable || w.paused;
    $("#unpause").disabled = !job.steerable || !w.paused;
    $("#stop").disabled = !job.steerable;
    $("#adaptive").disabled = !job.steerable;
    $("#adaptive").textContent = w.adaptive ? "Adaptive: on" : "Adaptive: off";
    for (const pool of ["dump", "restore", "insertion"]) {
      const set = pool === "dump" ? w.dump : pool === "restore" ? w.restore : w.insertion;
      $(`#${pool}-count`).textContent = set;
      $(`#${pool}-plus`).disabled = !job.steerable || set === 0;
      $(`#${pool}-minus`).disabled = !job.steerable || set <= 1;
    }
    PoolTable.render($("#dump-pool"), pools?.dump, w.paused);
    PoolTable.render($("#restore-pool"), pools?.restore, w.paused);
    OnlineView.render($, job.online, job.steerable);
    VerifyView.render($, job.verificationRun, job.steerable);
    OfflineView.steering($, job);
    OfflineView.verification($, job);
    showCharts();
  };

  // A job that is not running and has no samples shows what its state holds instead of an empty chart.
  const showCharts = () => {
    const job = state.job;
    if (!job) return;
    const throughputOffline = !job.steerable && chart.points.length < 2;
    const lagOffline = !job.steerable && lagChart.points.length < 2;
    if ($("#chart").hidden !== throughputOffline) { $("#chart").hidden = throughputOffline; if (!throughputOffline) chart.draw(); }
    if ($("#lag-chart").hidden !== lagOffline) { $("#lag-chart").hidden = lagOffline; if (!lagOffline) lagChart.draw(); }
    $("#throughput-offline").hidden = !throughputOffline;
    $("#lag-offline").hidden = !lagOffline;
    if (throughputOffline) OfflineView.throughput($, job, state.largest);
    if (lagOffline) OfflineView.lag($, job);
  };

  // The largest collections, for the throughput card of a job that is not running.
  const largestCollections = () => Api.get(`/jobs/${id}/collections?sort=size&pageSize=8`)
    .then(page => { state.largest = page.items; showCharts(); })
    .catch(e => toast(e.message, true));

  // Collections, chunk counts and errors are read again after pushed changes, at most every two seconds.
  const refresh = async force => {
    const now = Date.now();
    if (state.refreshing || (!force && now - state.lastRefresh < 2000)) return;
    state.refreshing = true; state.lastRefresh = now;
    try {
      const query = new URLSearchParams({ page: state.page, pageSize: 25, search: state.search, phase: state.phase, sort: "name" });
      if (state.job && !state.job.steerable) largestCollections();
      const [collections, chunks, errors] = await Promise.all([
        Api.get(`/jobs/${id}/collections?${query}`),
        Api.get(`/jobs/${id}/chunks` + (state.collection ? `?collection=${encodeURIComponent(state.collection)}&pageSize=100` : "")),
        Api.get(`/jobs/${id}/errors?limit=50`),
      ]);
      JobTables.collections($, collections, state);
      JobTables.chunks($, chunks);
      JobTables.errors($, errors);
    } catch (e) { toast(e.message, true); } finally { state.refreshing = false; }
  };

  for (const pool of ["dump", "restore", "insertion"]) {
    $(`#${pool}-plus`).addEventListener("click", () => act("workers", { pool, count: Number($(`#${pool}-count`).textContent) + 1 }, r => applyWorkers(r.workers)));
    $(`#${pool}-minus`).addEventListener("click", () => act("workers", { pool, count: Math.max(1, Number($(`#${pool}-count`).textContent) - 1) }, r => applyWorkers(r.workers)));
  }
  const applyWorkers = w => { if (state.job) renderJob({ ...state.job, workers: w }, null); };
  $("#pause").addEventListener("click", async () => {
    if (await confirmAction("Pause the job? Running chunks finish their step; nothing new starts until you unpause.")) act("pause", {}, r => applyWorkers(r.workers));
  });
  $("#unpause").addEventListener("click", () => act("unpause", {}, r => applyWorkers(r.workers)));
  $("#stop").addEventListener("click", async () => {
    if (await confirmAction("Stop the job? Finished chunks are kept; run it again with --resume to carry on.")) act("stop", {});
  });
  $("#cutover").addEventListener("click", async () => {
    const blockWrites = $("#block-writes").checked;
    if (!await confirmAction(`Cut over now? Every change up to the source's cluster time is applied and the changed documents are rechecked; once cut over, the job ends and the target takes the application.${blockWrites ? " User writes on the source are blocked first and stay blocked." : " Writes made on the source after that time are not copied."}`)) return;
    try {
      const outcome = await Api.post(`/jobs/${id}/cutover`, { blockWrites });
      toast(outcome.message, !outcome.cutOver);
      if (state.job) renderJob({ ...state.job, online: { ...state.job.online, cutover: outcome } }, null);
    } catch (e) { toast(e.message, true); }
  });
  $("#verify").addEventListener("click", async () => {
    try {
      const run = await Api.post(`/jobs/${id}/verify`, {});
      toast(run.message);
      if (state.job) renderJob({ ...state.job, verificationRun: run }, null);
    } catch (e) { toast(e.message, true); }
  });
  $("#adaptive").addEventListener("click", () => act("adaptive", { enabled: !(state.job?.workers.adaptive) }, r => applyWorkers(r.workers)));
  $("#search").addEventListener("input", e => { state.search = e.target.value; state.page = 1; refresh(true); });
  $("#phase-filter").addEventListener("change", e => { state.phase = e.target.value; state.page = 1; refresh(true); });
  $("#prev").addEventListener("click", () => { state.page = Math.max(1, state.page - 1); refresh(true); });
  $("#next").addEventListener("click", () => { state.page++; refresh(true); });
  $("#collections").addEventListener("click", e => {
    const row = e.target.closest("tr[data-ns]");
    if (row) { state.collection = row.dataset.ns; refresh(true); }
  });

  Api.get(`/jobs/${id}/throughput`).then(samples => {
    chart.set(samples.map(s => ({ at: Date.parse(s.at), value: s.bytesPerSecond })));
    lagChart.set(samples.filter(s => s.lagSeconds != null).map(s => ({ at: Date.parse(s.at), value: s.lagSeconds })));
    showCharts();
  }).catch(e => toast(e.message, true));
  const stream = Api.stream(`/jobs/${id}/events`, "job", update => {
    const first = state.job === null;
    renderJob(update.job, update.pools);
    if (!update.job.steerable) document.getElementById("connection").textContent = "connected · the job is not running here";
    if (update.job.steerable) chart.add({ at: Date.now(), value: update.job.bytesPerSecond });
    if (update.job.steerable && update.job.online?.lagSeconds != null) lagChart.add({ at: Date.now(), value: update.job.online.lagSeconds });
    if (first && !update.job.steerable) largestCollections();
    refresh(false);
  });
  refresh(true);
  return { close: () => stream.close() };
}

function route() {
  if (current) current.close();
  const match = location.hash.match(/^#\/jobs\/(.+)$/);
  current = match ? jobView(decodeURIComponent(match[1])) : jobList();
}

window.addEventListener("hashchange", route);
route();
