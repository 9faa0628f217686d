// The simulator page: send as a chosen openid, show replies, and poll the outbox and people lists.
const $ = (id) => document.getElementById(id);

function bubble(text, cls) {
  const div = document.createElement("div");
  div.className = "msg " + cls;
  div.textContent = text;
  $("chat").appendChild(div);
  $("chat").scrollTop = $("chat").scrollHeight;
}

async function send(payload, shown) {
  const openid = $("openid").value.trim();
  if (!openid) { bubble("请先填写 openid", "note"); return; }
  if (shown) bubble(shown, payload.text ? "me" : "note");
  const response = await fetch("/simulator/api/send", {
    method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify(Object.assign({openid}, payload)),
  });
  const data = await response.json();
  if (data.status !== 200) bubble("接口返回 " + data.status, "note");
  else if (data.reply) bubble(data.reply, "bot");
  else bubble("（公众号没有回复文字）", "note");
  refresh();
}

async function refresh() {
  const [outbox, people] = await Promise.all([
    fetch("/simulator/api/outbox").then((r) => r.json()),
    fetch("/simulator/api/people").then((r) => r.json()),
  ]);
  $("outbox").replaceChildren(...outbox.map((m) => {
    const tr = document.createElement("tr");
    const shown = m.seen || m.text; // a template shows only its keywords, cut at 20 characters
    for (const value of [m.id, m.to, m.kind, shown, [m.status, m.channel].filter(Boolean).join(" · ")]) {
      const td = document.createElement("td");
      td.textContent = value;
      if (value === shown) {
        td.className = "text";
        if (m.seen) td.title = m.text;
      }
      tr.appendChild(td);
    }
    return tr;
  }));
  $("people").replaceChildren(...people.map((p) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = [p.openid, p.name, p.village, p.roles.join("/")].filter(Boolean).join(" · ");
    b.onclick = () => { $("openid").value = p.openid; $("chat").replaceChildren(); bubble("切换为 " + p.openid, "note"); };
    return b;
  }));
}

$("compose").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  $("text").value = "";
  send({text}, text);
});
$("subscribe").onclick = () => send({event: "subscribe"}, "（关注公众号）");
$("unsubscribe").onclick = () => send({event: "unsubscribe"}, "（取消关注）");
$("scan").onclick = () => send({event: "SCAN", event_key: $("scan-village").value}, "（扫了" + $("scan-village").value + "的村码）");
for (const b of document.querySelectorAll(".menu-key")) {
  b.onclick = () => send({event: "CLICK", event_key: b.dataset.key}, "（点了菜单 " + b.dataset.key + "）");
}
refresh();
setInterval(refresh, 3000);
