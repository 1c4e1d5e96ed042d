"use strict";
// A job that is not running here (read from its state file, finished, or stopping): no live figures and no action.
// Its panels say so and show what the state holds instead of empty charts and buttons that do nothing.
const OfflineView = {
  // The actions give way to why there are none and, when it can go on, the command that resumes it.
  steering($, job) {
    const live = job.steerable;
    $("#actions").hidden = !live;
    $("#steering").hidden = live;
    $("#steering-note").textContent = live ? "" : (job.notSteerable ?? "not running here: nothing to steer.");
    $("#resume-command").hidden = live || !job.resumeCommand;
    $("#resume-command").textContent = live ? "" : (job.resumeCommand ?? "");
    $("#rate-label").textContent = live ? "throughput" : "average throughput";
    $("#cutover-bar").hidden = !live;
    $("#verify").hidden = !live;
    for (const pool of ["dump", "restore", "insertion"]) {
      $(`#${pool}-minus`).hidden = !live;
      $(`#${pool}-plus`).hidden = !live;
      const count = pool === "dump" ? job.workers.dump : pool === "restore" ? job.workers.restore : job.workers.insertion;
      if (!live && count === 0) $(`#${pool}-count`).textContent = "–";
      const offline = $(`#${pool}-offline`);
      offline.hidden = live;
      offline.textContent = live ? "" : count === 0 ? "Not running: its state holds no worker count." : `Not running: the count it last ran with. No worker runs now.`;
      const pane = $(`#${pool}-pool`) ?? $("#insertion-help");
      if (pane) pane.hidden = !live;
    }
  },

  // Average rates over the run, as the state's creation and last change times tell them.
  averages(job) {
    const seconds = job.elapsedSeconds;
    return seconds > 0 ? { bytes: job.bytes / seconds, documents: job.documents / seconds } : null;
  },

  // The throughput card without samples: what the job did over its run and its largest collections, as the state holds them.
  throughput($, job, largest) {
    const box = $("#throughput-offline");
    const average = OfflineView.averages(job);
    const span = job.createdAt && job.updatedAt ? ` between ${Format.time(job.createdAt)} (created) and ${Format.time(job.updatedAt)} (last change)` : "";
    const most = Math.max(1, ...(largest ?? []).map(c => c.bytes));
    box.innerHTML = `<p class="muted" id="throughput-note">No live figures: the job is not running${job.state ? " (" + Format.escape(job.state) + ")" : ""}. Its state holds what it copied, not a rate over time.</p>
      <p><b>${Format.bytes(job.bytes)}</b> and <b>${Format.number(job.documents)}</b> documents in ${Format.duration(job.elapsedSeconds)}${span}${average ? `: <b>${Format.rate(average.bytes)}</b> · ${Format.number(Math.round(average.documents))} docs/s on average` : ""}.</p>
      ${largest && largest.length ? `<h3>Largest collections copied</h3><table class="sizes" id="largest"><tbody>${largest.map(c => `<tr><td>${Format.escape(c.source)}</td>
        <td class="size-bar"><div class="bar"><span style="width:${(100 * c.bytes / most).toFixed(1)}%"></span></div></td><td class="num">${Format.bytes(c.bytes)}</td><td class="num">${Format.number(c.documents)} docs</td></tr>`).join("")}</tbody></table>` : ""}`;
  },

  // An online job's lag without samples: the lag its process last saved.
  lag($, job) {
    const online = job.online;
    $("#lag-offline").textContent = !online ? "" : `No live figures: the job is not running. Lag when its state was last saved: ${online.lagSeconds == null ? "not recorded" : online.lagSeconds.toFixed(1) + " s"}.`;
  },

  // Verification as the state tells it: a job read from its state file does not record how its copy was verified.
  verification($, job) {
    if (job.steerable || job.verification.mode !== "unknown") return false;
    $("#verification").innerHTML = `<span class="muted">Its state file does not record whether the copy was verified (the chunks' Verified column shows those that were). <code>mongomigrate verify</code> compares source and target again.</span>${
      job.verification.failed ? ` <span>failed <b class="error-text">${job.verification.failed}</b></span>` : ""}`;
    return true;
  },
};
