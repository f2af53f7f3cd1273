// Modash's /v1/user/info answer, read. help.modash.io ("API cheat sheet: limits, filters &
// metrics") says it "returns your account details, including remaining credits and request
// quotas" and costs nothing; the shape of the answer is not shown in any document this project
// could read. Both readings seen in integrations are accepted: the figures under `billing`
// (`billing.credits`, `billing.rawRequests`) or at the top (`credits`, `rawRequests`); the plan
// and the rate limits wherever they are named `plan` and `rateLimits`. What is not there is
// null: the page says "unknown", never a made-up number. Shared by the server
// (lib/server/modash-account.ts) and `npm run modash:check` (no server-only import here).

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null);

/** `{ credits, rawRequests, plan, rateLimits }` of a /v1/user/info body (parsed JSON). */
export function readUserInfo(body) {
  const top = obj(body) ?? {};
  const billing = obj(top.billing) ?? {};
  const plan = billing.plan ?? top.plan ?? null;
  const limits = obj(top.rateLimits) ?? obj(billing.rateLimits);
  return {
    credits: num(billing.credits) ?? num(top.credits),
    rawRequests: num(billing.rawRequests) ?? num(top.rawRequests),
    plan: typeof plan === 'string' ? plan : obj(plan) && typeof plan.name === 'string' ? plan.name : null,
    rateLimits: limits ? Object.fromEntries(Object.entries(limits).filter(([, v]) => num(v) !== null)) : null,
  };
}
