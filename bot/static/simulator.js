// The simulator page: send as a chosen openid, show its chat, and poll the outbox and people lists.
const $ = (id) => document.getElementById(id);
const COLUMNS = [...document.querySelectorAll("#outbox-table th")].map((th) => th.textContent);
let generation = 0; // bumped on every switch of person: a late answer for the one before is dropped
let loadTimer = null; // a switch by typing waits for the typing to pause before loading the chat
let loading = null; // the history being loaded: a message sent meanwhile waits for it, to show after it

function bubble(text, cls, note) {
  const div = document.createElement("div");
  div.className = "msg " + cls;
  div.textContent = text;
  if (note) {
    const small = document.createElement("small");
    small.textContent = note;
    div.appendChild(small);
  }
  $("chat").appendChild(div);
  $("chat").scrollTop = $("chat").scrollHeight;
}

function menuLabel(key) {
  const button = document.querySelector(`.menu-key[data-key="${CSS.escape(key)}"]`);
  return button ? button.textContent : key;
}

function eventNote(event, key) {
  if (event === "subscribe") return "（关注公众号）";
  if (event === "unsubscribe") return "（取消关注）";
  if (event === "SCAN") return "（扫了" + key + "的村码）";
  if (event === "CLICK") return "（点了菜单「" + menuLabel(key) + "」）";
  return "（" + event + " " + key + "）";
}

function current() {
  return $("openid").value.trim();
}

async function send(payload) {
  const openid = current();
  if (!openid) { bubble("请先填写 openid", "note"); return; }
  const mine = generation;
  if (loadTimer) loadNow(openid);
  if (loading) await loading;
  if (mine !== generation) return; // switched to someone else while their chat loaded
  if (payload.text) bubble(payload.text, "me");
  else bubble(eventNote(payload.event, payload.event_key || ""), "note");
  const response = await fetch("/simulator/api/send", {
    method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify(Object.assign({openid}, payload)),
  });
  const data = await response.json();
  if (mine === generation) {
    if (data.status !== 200) bubble("接口返回 " + data.status, "note");
    else if (data.reply) bubble(data.reply, "bot");
    else bubble("（公众号没有回复文字）", "note");
  }
  refresh();
}

// Another person in the box: their chat replaces the last one's at once, and theirs so far is loaded.
function switchTo(openid) {
  generation += 1;
  $("chat").replaceChildren();
  clearTimeout(loadTimer);
  loadTimer = null;
  loading = null;
  if (!openid) return;
  bubble("切换为 " + openid, "note");
  loadTimer = setTimeout(() => loadNow(openid), 250);
}

function loadNow(openid) {
  clearTimeout(loadTimer);
  loadTimer = null;
  loading = loadChat(openid, generation);
}

async function loadChat(openid, mine) {
  const lines = await fetch("/simulator/api/chat?openid=" + encodeURIComponent(openid)).then((r) => r.json());
  if (mine !== generation) return;
  $("chat").replaceChildren();
  if (!lines.length) bubble("切换为 " + openid + "（还没有聊天记录）", "note");
  for (const line of lines) {
    if (line.from === "me") bubble(line.text, "me");
    else if (line.from === "bot") bubble(line.text, "bot");
    else if (line.from === "push") bubble(line.text, "bot push", line.state);
    else bubble(eventNote(line.event, line.event_key), "note");
  }
  if (lines.length) bubble("以上是 " + openid + " 的聊天记录", "note");
}

function outboxRow(m) {
  const tr = document.createElement("tr");
  const shown = m.seen || m.text; // a template shows only its keywords, cut at 20 characters
  [m.id, m.to, m.kind_name, shown, m.state].forEach((value, i) => {
    const td = document.createElement("td");
    td.textContent = value;
    td.dataset.label = COLUMNS[i];
    if (i === 3) {
      td.className = "text";
      if (m.seen) td.title = m.text;
    }
    tr.appendChild(td);
  });
  return tr;
}

async function refresh() {
  const [outbox, people] = await Promise.all([
    fetch("/simulator/api/outbox").then((r) => r.json()),
    fetch("/simulator/api/people").then((r) => r.json()),
  ]);
  $("outbox").replaceChildren(...outbox.map(outboxRow));
  $("people").replaceChildren(...people.map((p) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = [p.openid, p.name, p.village, p.roles.join("、")].filter(Boolean).join(" · ");
    b.onclick = () => {
      $("openid").value = p.openid;
      switchTo(p.openid);
      loadNow(p.openid);
      window.scrollTo(0, 0);
    };
    return b;
  }));
}

$("openid").addEventListener("input", () => switchTo(current()));
$("compose").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  $("text").value = "";
  send({text});
});
$("subscribe").onclick = () => send({event: "subscribe"});
$("unsubscribe").onclick = () => send({event: "unsubscribe"});
$("scan").onclick = () => send({event: "SCAN", event_key: $("scan-village").value});
for (const b of document.querySelectorAll(".menu-key")) {
  b.onclick = () => send({event: "CLICK", event_key: b.dataset.key});
}
switchTo(current());
refresh();
setInterval(refresh, 3000);

// 「打开后台」: the dashboard as the current person would open it from the menu inside WeChat.
$("open-admin").addEventListener("click", () => {
  $("open-admin").href = "/simulator/open-admin?openid=" + encodeURIComponent(current());
});
