// The demo hotel of ./dev/up, made through the suite's real APIs, as its staff would: alert channels, the last
// 30 days of AI use across the five functions by five staff members (the hotel "joined" 29 days ago on the
// ESSENTIAL plan: last month's free credits run low, a LOW_BALANCE alert, the monthly reset on the 1st, this
// month's use), then a card purchase (CREDITS_ADDED), an invoice waiting for payment and a saved test card.
//   node seed.mjs http://127.0.0.1:8080 hotel-demo
// The calls run now; with DEMO_CREDIT_DB, DEMO_GATEWAY_DB and DEMO_ALERT_DB (PostgreSQL URLs, dev only) the rows
// they made are then moved to the days the plan gives them (dev/demo/backdate.sql); without, they stay today.
// Custom needs an LLM: ./dev/up runs a test-mode one (the project's OpenAI-protocol stub) unless OPENAI_API_KEY is set.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { call, execute, signIn, until } from './suite.mjs'

const [base = 'http://127.0.0.1:8080', tenant = 'hotel-demo'] = process.argv.slice(2)
const BACKDATE = fileURLToPath(new URL('../../../../../dev/demo/backdate.sql', import.meta.url))
const DATABASES = { credit: process.env.DEMO_CREDIT_DB, gateway: process.env.DEMO_GATEWAY_DB, alert: process.env.DEMO_ALERT_DB }
const TOKYO = 9 * 3600_000 // the demo hotel's zone, Asia/Tokyo (no daylight saving)
const DAY = 86400_000
const COST = { chatbot: 2, recommendation: 5, prediction: 8, analysis: 10, custom: 15 }

const admin = await signIn(base, tenant, 'admin', 'manager')
const staff = await Promise.all(['sato', 'suzuki', 'tanaka', 'ito', 'watanabe'].map(u => signIn(base, tenant, 'staff', u)))
const openedAt = new Date().toISOString() // the account opens with this first read: its rows move with the first call
const before = await call(base, admin, 'GET', '/api/v1/credits/balance')
if (before.balance.usedThisMonth > 0 || before.usage.dailyUsage.length > 0) {
  console.log(`seed: ${tenant} already has usage; nothing seeded`)
  process.exit(0)
}
await call(base, admin, 'PUT', '/api/v1/alerts/channels', {
  adminEmails: [`manager@${tenant}.example.jp`], slackWebhookUrl: null, slackChannel: null, mutedTypes: [], hotelName: 'ホテル東京ベイ（デモ）',
})

// The plan: a hotel's days in its own zone — questions to the chatbot all day (more at weekends), a
// recommendation or two, a forecast every few days, the analysis on Mondays, and on Thursdays and Fridays often
// a plan's sales text for the weekend (custom, a template of the hotel's own)
const random = mulberry32(20261201)
const now = Date.now()
const todayStart = Math.floor((now + TOKYO) / DAY) * DAY - TOKYO
const monthStart = Date.UTC(new Date(now + TOKYO).getUTCFullYear(), new Date(now + TOKYO).getUTCMonth(), 1) - TOKYO
const calls = []
for (let day = todayStart - 29 * DAY; day <= todayStart; day += DAY) {
  const weekday = new Date(day + TOKYO).getUTCDay()
  const n = (weekday === 0 || weekday === 6 ? 6 : 3) + Math.floor(random() * 3)
  const fns = [...Array(n).fill('chatbot'), 'recommendation']
  if (random() < 0.35) fns.push('prediction')
  if (weekday === 1) fns.push('analysis')
  if ((weekday === 4 || weekday === 5) && random() < 0.6) fns.push('custom')
  for (const fn of fns) calls.push({ fn, at: day + (8 + random() * 14) * 3600_000 })
}
calls.push({ fn: 'analysis', at: monthStart + 9.5 * 3600_000 }) // the month's report
calls.push({ fn: 'custom', at: monthStart + 10 * 3600_000 }) // and the month's campaign text
const planned = calls.filter(c => c.at < now - 10 * 60_000).sort((a, b) => a.at - b.at)
const lastMonth = planned.filter(c => c.at < monthStart)
const thisMonth = planned.filter(c => c.at >= monthStart)

const questions = ['チェックインは何時からですか', '朝食は何時から食べられますか', '駐車場はありますか', 'レイトチェックアウトはできますか', 'Wi-Fiのパスワードを教えてください']
const plans = ['冬の温泉プラン', '朝食付き連泊プラン', '記念日ディナープラン', 'ファミリー向け週末プラン']
let used = 0
let customs = 0
async function run(list, budget) {
  const shifts = []
  let spent = 0
  for (const [i, c] of list.entries()) {
    // the free credits run low: staff keep to the chatbot for the last stretch, then stop
    if (spent + COST[c.fn] > budget || (spent > budget - 60 && c.fn !== 'chatbot')) continue
    shifts.push({ from: used === 0 && !shifts.length ? openedAt : new Date().toISOString(), to: new Date(c.at).toISOString() })
    const input = c.fn === 'custom' ? plans[i % plans.length] : questions[i % questions.length]
    // the sales texts are the manager's and sato's, in turn (custom's limit is 10 an hour a user, and these run now)
    const who = c.fn === 'custom' ? (customs++ % 2 ? staff[0] : admin) : staff[i % staff.length]
    const answer = await execute(base, who, c.fn, input, 180_000)
    spent += answer.credits.creditsUsed
  }
  used += spent
  return shifts
}
function backdate(shifts, ...databases) {
  for (const db of databases.filter(d => DATABASES[d] && shifts.length)) {
    try {
      execFileSync('psql', ['-qX', '-v', 'ON_ERROR_STOP=1', '-v', `tenant=${tenant}`, '-v', `shifts=${JSON.stringify(shifts)}`,
        '-v', `${db}=1`, '-f', BACKDATE, DATABASES[db]], { stdio: ['ignore', 'ignore', 'pipe'] })
    } catch (e) {
      throw new Error(`backdating the ${db} database: ${e.stderr}`)
    }
  }
}

// Last month: the account opens with the first call and its free credits go down to a LOW_BALANCE warning
const free = before.balance.monthlyFreeCredits
const lastShifts = await run(lastMonth, lastMonth.length ? free - 45 : 0)
if (lastMonth.length) {
  await alerted('LOW_BALANCE')
  backdate(lastShifts, 'alert') // alerts follow their call; before the reset's own alerts exist
}
// The 1st, 00:00: once the account is back in last month, the first touch of the new month resets it
// (MONTHLY_RESET) — this read, or credit-service's reset job if it comes first — then this month's use
const resetShift = { from: new Date().toISOString(), to: new Date(monthStart).toISOString() }
backdate(lastShifts, 'credit', 'gateway')
await call(base, admin, 'GET', '/api/v1/credits/balance')
if (lastMonth.length) await alerted('MONTHLY_RESET')
const thisShifts = [...(lastMonth.length ? [resetShift] : []), ...await run(thisMonth, Infinity)]
backdate(thisShifts, 'credit', 'gateway', 'alert')
const low = await call(base, admin, 'GET', '/api/v1/credits/balance')
console.log(`seed: ${lastShifts.length + thisShifts.length} AI calls over ${DATABASES.credit ? '30 days' : 'today (no DEMO_CREDIT_DB)'}, `
  + `${used} credits used, ${low.balance.currentBalance} left`)

await call(base, admin, 'POST', '/api/v1/credits/purchase',
  { packageId: 'pkg-2000', paymentMethod: 'stripe', paymentDetails: { stripePaymentMethodId: 'pm_card_visa' }, metadata: { source: 'dashboard' } },
  { 'Idempotency-Key': crypto.randomUUID() })
await until('the purchased credits', async () =>
  (await call(base, admin, 'GET', '/api/v1/credits/balance')).balance.totalPurchased >= 2000)
await call(base, admin, 'POST', '/api/v1/credits/purchase',
  { packageId: 'pkg-500', paymentMethod: 'invoice', paymentDetails: { invoiceEmail: `keiri@${tenant}.example.jp` }, metadata: { source: 'dashboard' } },
  { 'Idempotency-Key': crypto.randomUUID() })
await call(base, admin, 'POST', '/api/v1/billing/payment-method', { paymentMethodId: 'pm_card_visa', billingEmail: `keiri@${tenant}.example.jp` })
console.log('seed: bought 2,000 credits by card, an invoice is open, a test card is saved')

/** Waits (bounded) for alert-service to have raised the alert, so that it moves with the call that caused it. */
async function alerted(type) {
  await until(`the ${type} alert`, async () => (await call(base, admin, 'GET', '/api/v1/alerts?limit=50')).items
    .some(a => a.alertType === type), 30_000).catch(e => console.log(`seed: ${e.message}`))
}

/** A small seeded PRNG: the same demo month on every machine. */
function mulberry32(a) {
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
