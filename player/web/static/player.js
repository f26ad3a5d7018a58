// meditate's web player: only what the player needs. It follows a render's progress, drives
// the browser's own audio element (play and pause, chapters, the words as they are spoken)
// and reports the sitting to the practice log when it ends or the page is left.
"use strict";

(function () {
  var box = document.getElementById("progress-box");
  if (box) {
    follow(box.getAttribute("data-job"));
  }
  var audio = document.getElementById("audio");
  if (audio) {
    play(audio, JSON.parse(document.getElementById("timeline").textContent));
  }

  // A render under way: show its progress, and reload the page once its audio is ready.
  function follow(job) {
    var stage = document.getElementById("stage");
    var bar = document.getElementById("progress");
    function ask() {
      fetch("/api/jobs/" + encodeURIComponent(job), { cache: "no-store" })
        .then(function (answer) { return answer.json(); })
        .then(function (state) {
          if (state.state === "ready") { location.reload(); return; }
          if (state.state === "failed" || state.state === "unknown") {
            stage.textContent = "This cannot be played: " + (state.error || "the render was lost") +
              ". Reload the page to try again.";
            bar.hidden = true;
            return;
          }
          if (state.share === null) {
            stage.textContent = state.stage + "…";
          } else {
            stage.textContent = state.stage + ": " + Math.round(state.share * 100) + "%";
            bar.value = state.share;
          }
          setTimeout(ask, 500);
        })
        .catch(function () { setTimeout(ask, 2000); });
    }
    setTimeout(ask, 300);
  }

  function play(audio, timeline) {
    var chapters = timeline.chapters;  // [start, end, title], seconds
    var cues = timeline.cues;  // [start, end, text], seconds
    var button = document.getElementById("play");
    var words = document.getElementById("words");
    var chapterNow = document.getElementById("chapter-now");
    var logged = document.getElementById("logged");
    var chapterItems = document.querySelectorAll(".chapters li");
    var cueItems = document.querySelectorAll(".transcript li");
    var began = null;  // when the sitting began, by this page's clock
    var reported = false;
    var shownCue = -2;
    var shownChapter = -2;

    button.addEventListener("click", function () {
      if (audio.paused) { audio.play(); } else { audio.pause(); }
    });
    document.getElementById("next").addEventListener("click", function () {
      var next = at(chapters, audio.currentTime) + 1;
      if (next < chapters.length) { seek(chapters[next][0]); }
    });
    document.getElementById("back").addEventListener("click", function () {
      var now = at(chapters, audio.currentTime);
      if (now < 0) { seek(0); return; }
      // as at the terminal: back to this chapter's start, or the one before within 3 s of it
      if (audio.currentTime - chapters[now][0] < 3 && now > 0) { now -= 1; }
      seek(chapters[now][0]);
    });
    document.addEventListener("click", function (event) {
      var target = event.target.closest("button[data-seek]");
      if (target) { seek(parseFloat(target.getAttribute("data-seek"))); }
    });
    document.querySelectorAll("button[data-seek]").forEach(function (b) { b.disabled = false; });

    audio.addEventListener("play", function () {
      if (began === null) { began = Date.now(); }
      button.textContent = "Pause";
    });
    audio.addEventListener("pause", function () { button.textContent = "Play"; });
    audio.addEventListener("timeupdate", show);
    audio.addEventListener("seeked", show);
    audio.addEventListener("ended", function () { report(true); });
    window.addEventListener("pagehide", function () { report(false); });

    function seek(seconds) {
      audio.currentTime = seconds;
      if (audio.paused) { audio.play(); }
    }

    // The chapter and the words at the play position, shown and marked in the lists.
    function show() {
      var t = audio.currentTime;
      var chapter = at(chapters, t);
      if (chapter !== shownChapter) {
        mark(chapterItems, shownChapter, chapter);
        chapterNow.textContent = chapter >= 0 ? chapters[chapter][2] : "";
        shownChapter = chapter;
      }
      var cue = at(cues, t);
      if (cue >= 0 && t >= cues[cue][1]) { cue = -1; }  // the voice is silent here
      if (cue !== shownCue) {
        mark(cueItems, shownCue, cue);
        words.textContent = cue >= 0 ? cues[cue][2] : "";
        shownCue = cue;
      }
    }

    // The last entry starting at or before t, or -1.
    function at(entries, t) {
      var found = -1;
      for (var i = 0; i < entries.length && entries[i][0] <= t + 0.001; i++) { found = i; }
      return found;
    }

    function mark(items, before, now) {
      if (before >= 0 && items[before]) { items[before].removeAttribute("aria-current"); }
      if (now >= 0 && items[now]) { items[now].setAttribute("aria-current", "true"); }
    }

    // What was heard, as the browser played it, to the practice log: once a sitting.
    function report(ended) {
      if (reported || began === null || audio.played.length === 0) { return; }
      reported = true;
      var spans = [];
      for (var i = 0; i < audio.played.length; i++) {
        spans.push([audio.played.start(i), audio.played.end(i)]);
      }
      var body = JSON.stringify({
        render: audio.getAttribute("data-render"),
        spans: spans,
        ended: ended,
        elapsed: (Date.now() - began) / 1000,
      });
      if (!ended) {
        navigator.sendBeacon("/api/log", new Blob([body], { type: "text/plain" }));
        return;
      }
      fetch("/api/log", { method: "POST", body: body, headers: { "Content-Type": "text/plain" } })
        .then(function (answer) { return answer.json(); })
        .then(function (answer) { logged.textContent = answer.message; })
        .catch(function () { logged.textContent = "Not logged: the server could not be reached."; })
        .then(function () {
          // a new sitting from the start: what the browser counts as played begins anew
          var source = audio.getAttribute("src");
          audio.setAttribute("src", source);
          audio.load();
          reported = false;
          began = null;
        });
    }
  }
})();
