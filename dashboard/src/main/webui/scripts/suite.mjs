// Talking to the running suite through its single origin (the dashboard): sign-in, API calls and the
// AI executions a hotel's staff would run. Used by the demo seed (./dev/up) and the browser tests.

export async function signIn(base, tenant, role, user) {
  const res = await fetch(`${base}/dashboard-api/dev/sign-in`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ tenant, role, user }),
  })
  if (!res.ok) throw new Error(`sign-in ${tenant}/${role}: ${res.status} ${await res.text()}`)
  return res.json()
}

export async function call(base, session, method, path, body, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${session.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  if (!res.ok) {
    const error = new Error(`${method} ${path}: ${res.status} ${text}`)
    error.status = res.status
    error.retryAfter = Number(res.headers.get('retry-after')) || 1
    throw error
  }
  return text ? JSON.parse(text) : null
}

const guests = [['G1', 'spa', 'kaiseki', 'wine'], ['G2', 'spa', 'kaiseki'], ['G3', 'spa', 'kaiseki', 'wine'],
  ['G4', 'golf', 'kids'], ['G5', 'golf', 'kids'], ['G6', 'kids'], ['T', 'spa', 'wine']]
const history = guests.flatMap(([g, ...items]) => items.map(itemId => ({ guestId: g, itemId, quantity: 1 })))
const items = [['spa', 'スパトリートメント'], ['kaiseki', '懐石ディナー'], ['wine', 'ワインテイスティング'], ['golf', 'ゴルフプラン'], ['kids', 'キッズプラン']]
  .map(([itemId, name]) => ({ itemId, name }))
const series = Array.from({ length: 28 }, (_, i) => ({
  date: new Date(Date.UTC(2026, 9, 1 + i)).toISOString().slice(0, 10), value: 60 + (i % 7 >= 5 ? 25 : 0) + i,
}))
const members = [['M01', '2026-11-18', 20, 1200000], ['M02', '2026-11-15', 15, 800000], ['M03', '2025-12-01', 18, 900000],
  ['M04', '2026-11-19', 1, 30000], ['M05', '2026-10-01', 3, 90000], ['M06', '2026-06-01', 2, 40000],
  ['M07', '2026-11-10', 6, 250000], ['M08', '2026-08-15', 4, 120000], ['M09', '2026-03-01', 1, 15000], ['M10', '2026-09-20', 8, 300000]]
  .map(([memberId, lastVisit, visits, totalSpend]) => ({ memberId, lastVisit, visits, totalSpend }))

/** One realistic request per function (the built-in engine answers the first four offline, an LLM custom). */
export const REQUESTS = {
  chatbot: q => ({ functionType: 'chatbot', parameters: { input: q ?? 'チェックインは何時からですか', maxTokens: 300 } }),
  recommendation: () => ({ functionType: 'recommendation', parameters: { input: 'ゲストTへのおすすめ', customOptions: { guestId: 'T', history, items } } }),
  prediction: () => ({ functionType: 'prediction', parameters: { input: '来週の稼働率を予測してください', customOptions: { series, horizon: 7 } } }),
  analysis: () => ({ functionType: 'analysis', parameters: { input: '会員のRFM分析', customOptions: { members, asOf: '2026-11-20' } } }),
  // custom needs an LLM: ./dev/up (and the system tests) run the test-mode one, an OpenAI-protocol stub
  custom: q => ({ functionType: 'custom', parameters: { input: q ?? '冬の温泉プラン', maxTokens: 300, customOptions: {
    system: 'あなたはホテルのマーケティング担当です。', template: '「{{input}}」の紹介文を{{length}}字程度で作ってください。', variables: { length: '120' } } } }),
}

/**
 * Runs one AI call as a well-behaved client does: a 503 or 429 (a service still warming up on a fresh
 * ./dev/up, a limit) is retried after its Retry-After with the same Idempotency-Key, so it is charged once.
 */
export async function execute(base, session, functionType, input, timeoutMs = 60000) {
  const key = crypto.randomUUID()
  const end = Date.now() + timeoutMs
  for (;;) {
    try {
      return await call(base, session, 'POST', '/api/v1/ai/execute', REQUESTS[functionType](input), { 'Idempotency-Key': key })
    } catch (e) {
      if (![503, 429].includes(e.status) || Date.now() + e.retryAfter * 1000 > end) throw e
      await new Promise(r => setTimeout(r, e.retryAfter * 1000))
    }
  }
}

export async function until(what, predicate, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs
  let pause = 200
  for (;;) {
    const value = await predicate()
    if (value) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, pause))
    pause = Math.min(pause * 1.5, 2000)
  }
}
