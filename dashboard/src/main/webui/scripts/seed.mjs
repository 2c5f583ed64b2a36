// The demo hotel of ./dev/up, made through the suite's real APIs, as its staff would: alert channels, AI use
// across the four functions the built-in engine serves by three staff members until the balance runs low (a LOW_BALANCE alert), a card
// purchase (CREDITS_ADDED), an invoice waiting for payment and a saved test card for auto-purchase.
//   node seed.mjs http://127.0.0.1:8080 hotel-demo
import { call, execute, signIn, until } from './suite.mjs'

const [base = 'http://127.0.0.1:8080', tenant = 'hotel-demo'] = process.argv.slice(2)
const admin = await signIn(base, tenant, 'admin', 'manager')
const staff = await Promise.all(['sato', 'suzuki', 'tanaka'].map(u => signIn(base, tenant, 'staff', u)))

await call(base, admin, 'PUT', '/api/v1/alerts/channels', {
  adminEmails: [`manager@${tenant}.example.jp`], slackWebhookUrl: null, slackChannel: null, mutedTypes: [], hotelName: 'ホテル東京ベイ（デモ）',
})

const questions = ['チェックインは何時からですか', '朝食は何時から食べられますか', '駐車場はありますか', 'レイトチェックアウトはできますか', 'Wi-Fiのパスワードを教えてください']
// A day of a hotel: questions all day, recommendations and forecasts now and then, one analysis run per person
const plan = [
  ...Array.from({ length: 30 }, (_, i) => ['chatbot', questions[i % questions.length]]),
  ...Array.from({ length: 12 }, () => ['recommendation']),
  ...Array.from({ length: 20 }, () => ['prediction']),
  ...Array.from({ length: 18 }, () => ['analysis']),
] // no custom: it needs an LLM (OPENAI_API_KEY); the built-in engine serves the other four
let used = 0
for (let i = 0; i < plan.length; i++) {
  const [fn, input] = plan[(i * 7) % plan.length] // interleaved, as the day goes
  try {
    used += (await execute(base, staff[i % staff.length], fn, input)).credits.creditsUsed
  } catch (e) {
    if (String(e).includes('INSUFFICIENT_CREDITS')) break
    throw e
  }
}
const low = await call(base, admin, 'GET', '/api/v1/credits/balance')
console.log(`seed: ${used} credits used, ${low.balance.currentBalance} left`)

const purchase = await call(base, admin, 'POST', '/api/v1/credits/purchase',
  { packageId: 'pkg-2000', paymentMethod: 'stripe', paymentDetails: { stripePaymentMethodId: 'pm_card_visa' }, metadata: { source: 'low_balance_prompt' } },
  { 'Idempotency-Key': crypto.randomUUID() })
await until('the purchased credits', async () =>
  (await call(base, admin, 'GET', '/api/v1/credits/balance')).balance.totalPurchased >= 2000)
await call(base, admin, 'POST', '/api/v1/credits/purchase',
  { packageId: 'pkg-500', paymentMethod: 'invoice', paymentDetails: { invoiceEmail: `keiri@${tenant}.example.jp` }, metadata: { source: 'dashboard' } },
  { 'Idempotency-Key': crypto.randomUUID() })
await call(base, admin, 'POST', '/api/v1/billing/payment-method', { paymentMethodId: 'pm_card_visa', billingEmail: `keiri@${tenant}.example.jp` })
console.log(`seed: bought ${purchase.purchase.creditsAdded} credits by card (${purchase.payment.paymentStatus}), an invoice is open, a test card is saved`)
