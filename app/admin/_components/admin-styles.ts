/**
 * The admin page's whole stylesheet: no framework, readable from 320 px up, every colour
 * pair at least WCAG AA, and the state always in words as well as colour. The root layout
 * narrows <body> to 720 px for the landing page; the admin page needs more room for its
 * panels, hence the !important overrides of that inline style. On a phone the chart keeps a
 * readable size and scrolls sideways, starting at the right (the latest hours): the
 * container is right-to-left, the chart itself left-to-right.
 */
export const ADMIN_STYLES = `
body{max-width:78rem!important;margin:0 auto!important;padding:1rem 1rem 3rem!important;color:#1b1d21;background:#f4f5f7}
.admin a{color:#0b57d0}
.admin h1{font-size:1.45rem;margin:0}
.admin h2{font-size:1.1rem;margin:0 0 .35rem;display:flex;align-items:center;gap:.5rem;flex-wrap:wrap}
.admin h3{font-size:.95rem;margin:1rem 0 .35rem}
.top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1rem;margin-bottom:.75rem}
.top p{margin:0;color:#4a4f57;font-size:.9rem}
.banner{border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0;border:2px solid;font-size:.95rem}
.banner strong{display:block;font-size:1.05rem}
.banner-red{background:#fce8e6;border-color:#b3261e;color:#5f0f0a}
.banner-amber{background:#fef3d6;border-color:#a15c00;color:#4d2c00}
.banner-green{background:#e6f4ea;border-color:#1e7e34;color:#0b3d1a}
.banner-unknown{background:#eceff1;border-color:#5f6b76;color:#263238}
.overall{background:#fff;border:1px solid #d3d7dd;border-left:8px solid var(--level);border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0}
.overall p{margin:.25rem 0}
.checks{margin:.4rem 0 0;padding:0;list-style:none;display:grid;gap:.2rem;font-size:.9rem}
.glance{list-style:none;padding:0;margin:.75rem 0 1.25rem;display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,23rem),1fr));gap:.5rem}
.glance a{display:flex;gap:.6rem;align-items:baseline;padding:.55rem .75rem;background:#fff;border:1px solid #d3d7dd;border-left:6px solid var(--level);border-radius:.5rem;text-decoration:none;color:inherit;height:100%;box-sizing:border-box}
.glance a:hover{border-color:#0b57d0}
.glance .title{font-weight:600;white-space:nowrap}
.glance .why{color:#3d4249;font-size:.9rem}
.panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,34rem),1fr));gap:1rem;align-items:start}
.panel{background:#fff;border:1px solid #d3d7dd;border-left:8px solid var(--level);border-radius:.5rem;padding:.9rem 1rem;min-width:0;scroll-margin-top:1rem}
.panel.wide{grid-column:1/-1}
.panel .reason{margin:.1rem 0 .6rem;font-weight:500}
.panel .note{color:#4a4f57;font-size:.88rem;margin:.5rem 0}
.level-green{--level:#1e7e34}.level-amber{--level:#c27a00}.level-red{--level:#b3261e}.level-unknown{--level:#78858f}
.badge{display:inline-block;font-size:.78rem;font-weight:700;letter-spacing:.02em;padding:.1rem .55rem;border-radius:1rem;border:1px solid;white-space:nowrap;text-transform:uppercase}
.badge.level-green{background:#e6f4ea;color:#0b5323;border-color:#9bcfab}
.badge.level-amber{background:#fef3d6;color:#6b3d00;border-color:#e2b75e}
.badge.level-red{background:#fce8e6;color:#8c1d18;border-color:#eba39d}
.badge.level-unknown{background:#eceff1;color:#37474f;border-color:#b0bcc4}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.3rem 1rem;margin:.4rem 0;font-size:.93rem}
dl.facts dt{color:#4a4f57}
dl.facts dd{margin:0;overflow-wrap:anywhere}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
.table-wrap{overflow-x:auto;margin:.4rem 0}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e4e7eb;vertical-align:top}
th{color:#3d4249;font-weight:600;background:#f8f9fa}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.75rem;align-items:center}
.actions form{margin:0}
button{font:inherit;font-weight:600;padding:.45rem .95rem;border-radius:.4rem;border:1px solid #0b57d0;background:#0b57d0;color:#fff;cursor:pointer;min-height:2.5rem}
button:hover{background:#0842a0}
button.secondary{background:#fff;color:#0b57d0}
button.secondary:hover{background:#eef3fd}
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
input[type=text],input[type=password]{font:inherit;width:100%;max-width:32rem;padding:.5rem;border:1px solid #767c85;border-radius:.35rem;box-sizing:border-box;background:#fff;color:#1b1d21}
.hint{font-size:.85rem;color:#4a4f57;margin:.2rem 0 0}
details{margin:.6rem 0}
summary{cursor:pointer;font-weight:600;color:#0b57d0}
.steps{list-style:none;padding:0;margin:.4rem 0;display:grid;gap:.25rem}
.steps li{display:flex;justify-content:space-between;gap:1rem;padding:.3rem .6rem;border-radius:.35rem;background:#f4f5f7;border:1px solid #e4e7eb;font-size:.9rem}
.steps li[data-state=done]{background:#e6f4ea;border-color:#9bcfab}
.steps li[data-state=running]{background:#fef3d6;border-color:#e2b75e}
.steps li[data-state=failed]{background:#fce8e6;border-color:#eba39d}
.step-state{font-weight:600;white-space:nowrap}
.screenshot{display:block;max-width:100%;height:auto;border:1px solid #d3d7dd;border-radius:.35rem;margin-top:.4rem}
.chart-wrap{overflow-x:auto;margin:.4rem 0}
.chart{width:100%;max-width:58rem;min-width:36rem;height:auto;display:block;direction:ltr}
table.nowrap th,table.nowrap td{white-space:nowrap}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;font-size:.85rem;color:#3d4249;margin:.2rem 0}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:.15rem;margin-right:.35rem;vertical-align:-.1rem}
.signin{background:#fff;border:1px solid #d3d7dd;border-radius:.5rem;padding:1rem 1.25rem;max-width:28rem;margin:2rem auto}
.signin p{margin:.5rem 0}
#clients pre{white-space:pre-wrap;word-break:break-all;background:#f5f7f9;border:1px solid #e4e7eb;border-radius:4px;padding:.6rem;font-size:.85rem;user-select:all}
#clients details{margin:.3rem 0}
#chat{margin:0 0 1rem;--level:#0b57d0}
.chat-pickers{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,16rem),1fr));gap:0 1rem}
.chat-form select,.chat-form textarea{font:inherit;width:100%;padding:.5rem;border:1px solid #767c85;border-radius:.35rem;box-sizing:border-box;background:#fff;color:#1b1d21}
.chat-form textarea{resize:vertical;min-height:4.5rem}
button:disabled{opacity:.55;cursor:default}
.chat-output{margin-top:.75rem;border-top:1px solid #e4e7eb;padding-top:.5rem}
.chat-text{white-space:pre-wrap;overflow-wrap:anywhere}
.chat-answer{min-height:1.5rem;padding:.5rem .6rem;background:#f8f9fa;border:1px solid #e4e7eb;border-radius:.35rem}
.chat-reasoning .chat-text{color:#4a4f57;font-size:.9rem;border-left:3px solid #b0bcc4;padding:.2rem .6rem;margin:.3rem 0}
.chat-output[data-outcome=failed] .chat-answer{border-color:#eba39d}
input[type=number],input[type=datetime-local]{font:inherit;width:100%;max-width:32rem;padding:.45rem;border:1px solid #767c85;border-radius:.35rem;box-sizing:border-box;background:#fff;color:#1b1d21}
.key-fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,15rem),1fr));gap:0 1rem}
.key-details{border-top:1px solid #e4e7eb;padding-top:.4rem}
button.danger{border-color:#b3261e;color:#b3261e}
button.danger:hover{background:#fce8e6}
@media (max-width:40rem){
  body{padding:.6rem .6rem 2rem!important}
  .admin h1{font-size:1.25rem}
  dl.facts{grid-template-columns:minmax(0,1fr);gap:0}
  dl.facts dt{font-weight:600;margin-top:.35rem}
  .panel{padding:.75rem}
  .glance .title{white-space:normal}
  .chart-wrap{direction:rtl}
  table.stack thead{display:none}
  table.stack tr{display:block;padding:.45rem 0;border-bottom:1px solid #e4e7eb}
  table.stack th,table.stack td{display:block;border:0;padding:.1rem 0}
}
`;
