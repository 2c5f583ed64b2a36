// Browser tests of the dashboard against the running suite (system-tests' DashboardBrowserIT starts it and
// runs `node --test e2e/` with BASE_URL). Debian's chromium, driven by playwright-core; nothing is mocked:
// every figure on the screen is compared with what the APIs answer at that moment.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { call, execute, signIn, until } from '../scripts/suite.mjs'

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080'
const SHOTS = process.env.SCREENSHOT_DIR ?? 'target/screenshots'
const TIMEOUT = 30000
mkdirSync(SHOTS, { recursive: true })
const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } }
const number = n => new Intl.NumberFormat('ja-JP').format(n)
const newTenant = () => `e2e-${crypto.randomUUID().slice(0, 8)}`

let browser
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    // as root, offline: no sandbox, no background traffic to Google's hosts
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  })
})
after(async () => browser?.close())

async function open(viewport, tenant, role) {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: 'ja-JP', timezoneId: 'Asia/Tokyo' })
  const page = await context.newPage()
  page.setDefaultTimeout(TIMEOUT)
  const errors = []
  page.on('pageerror', e => errors.push(e))
  await page.goto(BASE)
  await page.getByLabel('ホテル（テナント）').fill(tenant)
  await page.getByLabel(role === 'admin' ? '管理者' : 'スタッフ').check()
  await page.getByRole('button', { name: 'ログイン' }).click()
  await page.getByTestId('balance').waitFor()
  await page.getByTestId('live').filter({ hasText: 'ライブ' }).waitFor() // the alert stream is connected
  return { page, context, errors }
}

const balanceOf = async (session) => call(BASE, session, 'GET', '/api/v1/credits/balance')
const text = async (locator) => (await locator.textContent()).trim()

for (const viewport of Object.keys(VIEWPORTS)) {
  describe(`dashboard at ${viewport} ${VIEWPORTS[viewport].width}x${VIEWPORTS[viewport].height}`, () => {
    test('balance, ring, charts and history show what the APIs say', async () => {
      const tenant = newTenant()
      const staff = await signIn(BASE, tenant, 'staff', 'sato')
      for (const fn of ['chatbot', 'chatbot', 'recommendation', 'prediction', 'analysis']) await execute(BASE, staff, fn)
      const { page, context, errors } = await open(viewport, tenant, 'admin')
      const api = await balanceOf(staff)

      assert.equal(await text(page.getByTestId('balance')), number(api.balance.currentBalance))
      const ring = Math.round(Math.min(100, api.balance.usedThisMonth / api.balance.monthlyFreeCredits * 100))
      assert.equal(await text(page.getByTestId('ring')), `${ring}%`)
      assert.match(await text(page.getByTestId('expiring')), new RegExp(`今月末に失効: ${number(api.balance.grants[0].remaining)}`))
      assert.equal(api.balance.owedCredits, 0) // the API answers owed credits, and the header names them only when some are owed
      assert.equal(await page.getByTestId('owed').count(), 0)
      // The charts' data tables (the accessible twins of the canvases) carry exactly the API's figures
      const doughnut = await page.getByTestId('function-table').locator('tr').allTextContents()
      assert.deepEqual(doughnut.length, api.usage.topFunctions.length)
      for (const f of api.usage.topFunctions) assert.ok(doughnut.some(row => row.endsWith(String(f.creditsUsed))), `${f.functionType} ${f.creditsUsed}`)
      const today = api.usage.dailyUsage.at(-1)
      assert.ok((await page.getByTestId('daily-table').locator('tr').allTextContents()).includes(`${today.date}${today.credits}`))
      assert.equal(await page.locator('canvas').count(), 2)
      const analytics = await call(BASE, staff, 'GET', `/api/v1/credits/analytics?from=${today.date}&to=${today.date}`)
      assert.ok(analytics.usage.efficiency.recommendation.length > 0)
      await page.getByTestId('advice-text').waitFor()

      const history = await call(BASE, staff, 'GET', '/api/v1/credits/transactions?limit=10')
      const shown = await page.getByTestId('history-credits').allTextContents()
      assert.deepEqual(shown.map(s => s.trim()), history.items.map(t => `${t.creditsAmount > 0 ? '+' : ''}${number(t.creditsAmount)} クレジット`))
      await page.getByTestId('history-item').first().getByRole('button').click()
      const receipt = await text(page.getByTestId('receipt'))
      assert.ok(receipt.includes(history.items[0].transactionId) && receipt.includes('計算式'), receipt)
      // "which grant paid": the usage entry's shares, as the API gives them
      assert.ok(history.items[0].paidFrom.length > 0, JSON.stringify(history.items[0]))
      const paidFrom = await text(page.getByTestId('paid-from'))
      for (const p of history.items[0].paidFrom) assert.ok(paidFrom.includes(number(p.credits)), `${paidFrom} ${p.source} ${p.credits}`)
      await page.screenshot({ path: `${SHOTS}/dashboard-${viewport}.png`, fullPage: viewport === 'desktop' })
      await page.getByTestId('filter-function').selectOption('analysis')
      await until('the analysis filter', async () => (await page.getByTestId('history-item').count()) === 1)
      assert.deepEqual(errors, [])
      await context.close()
    })

    test('a card purchase with 3-D Secure goes through and the balance updates', async () => {
      const tenant = newTenant()
      const { page, context } = await open(viewport, tenant, 'admin')
      const admin = await signIn(BASE, tenant, 'admin', 'manager')
      const before = await balanceOf(admin)
      await page.getByTestId('open-purchase').click()
      const dialog = page.getByRole('dialog', { name: 'クレジット購入' })
      await dialog.getByTestId('package').filter({ hasText: '2,000' }).click()
      assert.match(await text(dialog.getByTestId('package').filter({ hasText: '2,000' })), /10% OFF.*1クレジット: ¥9\.00.*お得なまとめパック/s)
      assert.equal(await text(dialog.getByTestId('summary-amount')), '¥19,800（税込）')
      assert.equal(await text(dialog.getByTestId('summary-discount')), '-¥2,000')
      await dialog.getByTestId('test-cards').getByLabel(/3Dセキュア/).check()
      if (viewport === 'phone') await page.screenshot({ path: `${SHOTS}/purchase-modal-phone.png` })
      await dialog.getByTestId('confirm-purchase').click()
      await dialog.getByTestId('three-ds').waitFor()
      await dialog.getByTestId('three-ds-pass').click()
      const shown = await text(dialog.getByTestId('new-balance'))
      const afterApi = await balanceOf(admin)
      assert.equal(afterApi.balance.currentBalance, before.balance.currentBalance + 2000)
      assert.equal(shown, number(afterApi.balance.currentBalance))
      await dialog.getByRole('button', { name: '閉じる' }).first().click()
      assert.equal(await text(page.getByTestId('balance')), number(afterApi.balance.currentBalance))
      await page.getByTestId('purchase-status').filter({ hasText: '支払い済み' }).waitFor()
      await context.close()
    })
  })
}

describe('dashboard at desktop, admin flows', () => {
  test('an invoice purchase is sent, and the credits arrive when the invoice is paid', async () => {
    const tenant = newTenant()
    const { page, context } = await open('desktop', tenant, 'admin')
    const admin = await signIn(BASE, tenant, 'admin', 'manager')
    const before = await balanceOf(admin)
    await page.getByTestId('open-purchase').click()
    const dialog = page.getByRole('dialog', { name: 'クレジット購入' })
    await dialog.getByTestId('package').filter({ hasText: 'スタンダード' }).click()
    await dialog.getByLabel('請求書払い（企業向け）').check()
    await dialog.getByTestId('invoice-email').fill(`keiri@${tenant}.example.jp`)
    await dialog.getByTestId('confirm-purchase').click()
    assert.match(await text(dialog.getByTestId('purchase-result')), /請求書を送付しました.*¥5,500/s)
    await dialog.getByRole('button', { name: '閉じる' }).first().click()
    await page.getByTestId('purchase-status').filter({ hasText: '支払い待ち' }).waitFor()
    assert.equal((await balanceOf(admin)).balance.currentBalance, before.balance.currentBalance) // not before it is paid
    await page.getByTestId('pay-invoice').click() // test mode: the bank transfer arrives
    await page.getByTestId('purchase-status').filter({ hasText: '支払い済み' }).waitFor()
    await until('the invoiced credits on screen', async () =>
      (await text(page.getByTestId('balance'))) === number(before.balance.currentBalance + 500))
    await context.close()
  })

  test('a card saved while buying pays the next purchase as the saved card', async () => {
    const tenant = newTenant()
    const { page, context } = await open('desktop', tenant, 'admin')
    const admin = await signIn(BASE, tenant, 'admin', 'manager')
    const before = await balanceOf(admin)
    await page.getByTestId('open-purchase').click()
    let dialog = page.getByRole('dialog', { name: 'クレジット購入' })
    await dialog.getByTestId('package').filter({ hasText: 'スタンダード' }).click()
    await dialog.getByTestId('test-cards').getByLabel(/4242/).check()
    await dialog.getByTestId('save-card').check()
    await dialog.getByTestId('confirm-purchase').click()
    assert.equal(await text(dialog.getByTestId('new-balance')), number(before.balance.currentBalance + 500))
    const saved = await call(BASE, admin, 'GET', '/api/v1/billing/payment-method')
    assert.equal(saved.last4, '4242')
    await dialog.getByRole('button', { name: '閉じる' }).first().click()

    await page.getByTestId('open-purchase').click()
    dialog = page.getByRole('dialog', { name: 'クレジット購入' })
    await dialog.getByTestId('package').filter({ hasText: 'スタンダード' }).click()
    await dialog.getByLabel(`登録済みカード（${saved.brand} •••• 4242）`).check()
    await dialog.getByTestId('confirm-purchase').click()
    const shown = await text(dialog.getByTestId('new-balance'))
    const afterApi = await balanceOf(admin)
    assert.equal(afterApi.balance.currentBalance, before.balance.currentBalance + 1000)
    assert.equal(shown, number(afterApi.balance.currentBalance))
    await dialog.getByRole('button', { name: '閉じる' }).first().click()
    assert.equal(await text(page.getByTestId('balance')), number(afterApi.balance.currentBalance))
    await context.close()
  })

  test('auto-purchase toggles', async () => {
    const tenant = newTenant()
    const { page, context } = await open('desktop', tenant, 'admin')
    const admin = await signIn(BASE, tenant, 'admin', 'manager')
    const toggle = page.getByTestId('auto-toggle')
    assert.equal(await text(toggle), '自動購入: OFF')
    await toggle.click()
    await page.getByTestId('auto-toggle').filter({ hasText: '自動購入: ON' }).waitFor()
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true')
    assert.equal((await balanceOf(admin)).autoPurchase.enabled, true)
    await toggle.click()
    await page.getByTestId('auto-toggle').filter({ hasText: '自動購入: OFF' }).waitFor()
    assert.equal((await balanceOf(admin)).autoPurchase.enabled, false)
    await context.close()
  })

  test('auto-purchase tops up to a target within a monthly cap', async () => {
    const tenant = newTenant()
    const { page, context } = await open('desktop', tenant, 'admin')
    const admin = await signIn(BASE, tenant, 'admin', 'manager')
    await page.getByTestId('auto-enabled').check()
    await page.getByTestId('auto-mode-topup').check()
    await page.getByTestId('auto-package').selectOption('pkg-500')
    await page.getByTestId('auto-target').fill('3000')
    await page.getByTestId('auto-cap-yen').fill('30000')
    await page.getByTestId('save-auto').click()
    assert.equal(await text(page.getByTestId('auto-saved')), '保存しました')
    const saved = (await balanceOf(admin)).autoPurchase
    assert.equal(saved.enabled, true)
    assert.equal(saved.mode, 'TOP_UP')
    assert.equal(saved.packageId, 'pkg-500')
    assert.equal(saved.targetBalance, 3000)
    assert.equal(saved.monthlyCapYen, 30000)
    assert.match(await text(page.getByTestId('auto-state')), /今月の自動購入: 0 クレジット/)
    await context.close()
  })

  test('an alert raised by spending appears live', async () => {
    const tenant = newTenant()
    const { page, context } = await open('desktop', tenant, 'admin')
    // 500 free credits; spending 460 crosses the WARNING level (< 50), and alert-service raises LOW_BALANCE
    const staff = await Promise.all(['a', 'b', 'c'].map(u => signIn(BASE, tenant, 'staff', u)))
    const plan = [...Array(30).fill('analysis'), ...Array(20).fill('prediction')]
    for (let i = 0; i < plan.length; i++) await execute(BASE, staff[i % 3], plan[i])
    const alert = page.locator('[data-testid="alert-item"][data-type="LOW_BALANCE"]')
    await alert.waitFor({ timeout: 60000 })
    assert.match(await text(alert), /クレジット残高が少なくなっています/)
    // the balance on screen follows the alert without a reload
    const api = await balanceOf(staff[0])
    await until('the balance after the alert', async () => (await text(page.getByTestId('balance'))) === number(api.balance.currentBalance))
    await alert.getByTestId('ack').click()
    await alert.filter({ hasText: '確認済み' }).waitFor()
    await context.close()
  })

  test('a staff member sees no admin controls', async () => {
    const tenant = newTenant()
    for (const viewport of Object.keys(VIEWPORTS)) {
      const { page, context } = await open(viewport, tenant, 'staff')
      assert.equal(await page.getByTestId('open-purchase').count(), 0)
      assert.equal(await page.getByTestId('auto-toggle').count(), 0)
      assert.equal(await page.getByTestId('admin-settings').count(), 0)
      assert.equal(await page.getByText('クレジット購入').count(), 0)
      assert.equal(await text(page.getByTestId('who')), `${tenant} ・ スタッフ`)
      await context.close()
    }
  })

  test('an API error is shown in Japanese from its problem+json', async () => {
    const tenant = newTenant()
    const { page, context } = await open('desktop', tenant, 'admin')
    await page.getByTestId('channel-slack').fill('https://evil.example/hook')
    await page.getByTestId('save-channels').click()
    const error = await text(page.getByTestId('channel-error'))
    assert.match(error, /[\u3040-\u30ff\u4e00-\u9fff]/, error)
    await context.close()
  })

  test('an auto-purchase the bank wants authenticated is confirmed by an admin at its link, and the credits arrive', async () => {
    const tenant = newTenant()
    const admin = await signIn(BASE, tenant, 'admin', 'manager')
    const staff = await signIn(BASE, tenant, 'staff', 'sato')
    // Stripe's 3184 card saved for off-session use: the card holder passes 3-D Secure once while saving it (test mode)
    const setup = await call(BASE, admin, 'POST', '/api/v1/billing/payment-method',
      { paymentMethodId: 'pm_card_authenticationRequired', billingEmail: `keiri@${tenant}.example.jp` })
    assert.equal(setup.status, 'requires_action')
    assert.equal((await fetch(`${BASE}/stripe-test/v1/setup_intents/${setup.setupIntentId}/authenticate`, { method: 'POST' })).status, 200)
    await until('the saved 3184 card', async () =>
      (await call(BASE, admin, 'GET', '/api/v1/billing/payment-method').catch(() => null))?.last4 === '3184')
    await call(BASE, admin, 'PUT', '/api/v1/credits/auto-purchase', { enabled: true, threshold: 499, mode: 'FIXED', packageId: 'pkg-500', purchaseAmount: 500 })
    const before = await balanceOf(admin)
    await execute(BASE, staff, 'chatbot') // below the threshold: credit-service asks billing to buy pkg-500
    // The bank wants 3-D Secure for the off-session charge: the purchase waits for an admin (PaymentActionRequired)
    const waiting = await until('the auto-purchase waiting for 3-D Secure', async () =>
      (await call(BASE, admin, 'GET', '/api/v1/billing/purchases?limit=10')).items
        .find(p => p.source === 'auto_purchase' && p.paymentStatus === 'requires_action'))
    const link = `${BASE}/purchases/${waiting.transactionId}/confirm` // the alert's confirmUrl

    const visit = async (role) => {
      const context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' })
      const page = await context.newPage()
      page.setDefaultTimeout(TIMEOUT)
      const errors = []
      page.on('pageerror', e => errors.push(e))
      await page.goto(link) // opened from the alert's e-mail or Slack message: sign in there
      await page.getByLabel('ホテル（テナント）').fill(tenant)
      await page.getByLabel(role === 'admin' ? '管理者' : 'スタッフ').check()
      await page.getByRole('button', { name: 'ログイン' }).click()
      return { context, page, errors, dialog: page.getByRole('dialog', { name: '自動購入の本人認証' }) }
    }
    const asStaff = await visit('staff')
    await asStaff.dialog.getByTestId('confirm-staff').waitFor()
    assert.match(await text(asStaff.dialog.getByTestId('confirm-staff')), /管理者が行います/)
    assert.equal(await asStaff.dialog.getByTestId('confirm-authenticate').count(), 0)
    await asStaff.context.close()

    const { context, page, errors, dialog } = await visit('admin')
    await dialog.getByTestId('confirm-authenticate').waitFor()
    assert.equal(await text(dialog.getByTestId('confirm-amount')), '¥5,500（税込）')
    assert.equal(await text(dialog.getByTestId('confirm-credits')), '500 クレジット')
    assert.match(await text(dialog.getByTestId('confirm-package')), /スタンダード/)
    assert.equal(await text(dialog.getByTestId('confirm-status')), '本人認証待ち')
    await page.getByTestId('purchase-status').filter({ hasText: '本人認証待ち' }).waitFor() // the list says so too
    await dialog.getByTestId('confirm-authenticate').click()
    await dialog.getByTestId('three-ds').waitFor() // test mode: the stub's challenge stands in for the bank's
    await dialog.getByTestId('three-ds-pass').click()
    await dialog.getByTestId('confirm-new-balance').waitFor({ timeout: 60000 })
    assert.match(await text(dialog.getByTestId('confirm-result')), /支払い済み.*500 クレジットを追加しました/s)
    const after = await balanceOf(admin)
    assert.equal(after.balance.totalPurchased, before.balance.totalPurchased + 500)
    assert.equal(await text(dialog.getByTestId('confirm-new-balance')), number(after.balance.currentBalance))
    await dialog.getByRole('button', { name: '閉じる' }).first().click()
    assert.equal(new URL(page.url()).pathname, '/')
    assert.equal(await text(page.getByTestId('balance')), number(after.balance.currentBalance))
    await page.getByTestId('purchase-status').filter({ hasText: '支払い済み' }).waitFor()
    assert.equal((await call(BASE, admin, 'POST', `/api/v1/billing/purchases/${waiting.transactionId}/confirm`)).payment.paymentStatus, 'completed')
    assert.equal((await balanceOf(admin)).balance.totalPurchased, after.balance.totalPurchased) // nothing charged twice
    assert.deepEqual(errors, [])
    await context.close()
  })
})
