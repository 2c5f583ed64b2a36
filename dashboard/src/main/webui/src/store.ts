// The dashboard's state: what the APIs last said, and the loads that refresh it.
import { reactive } from 'vue'
import { api, type Alert, type Analytics, type Balance, type DashboardConfig, type Page, type PurchaseRecord, type Session } from './api'

export const state = reactive({
  config: null as DashboardConfig | null,
  session: null as Session | null,
  balance: null as Balance | null,
  analytics: null as Analytics | null,
  purchases: [] as PurchaseRecord[],
  alerts: [] as Alert[],
  streamConnected: false,
  error: '' as string,
  /** The purchase whose 3-D Secure an admin completes (/purchases/<id>/confirm), while its dialog is open */
  confirming: confirmPagePurchase(location.pathname),
})

/** The purchase id of the page an auto-purchase waiting for 3-D Secure links to: /purchases/<id>/confirm */
export function confirmPagePurchase(path: string): string | null {
  return /^\/purchases\/([0-9a-fA-F-]{36})\/confirm\/?$/.exec(path)?.[1] ?? null
}

/** Opens the confirmation of {@code purchaseId} at its own address (a reload or a shared link shows it again). */
export function openConfirmation(purchaseId: string) {
  window.history.pushState(null, '', `/purchases/${purchaseId}/confirm`)
  state.confirming = purchaseId
}

export function closeConfirmation() {
  if (confirmPagePurchase(location.pathname)) window.history.replaceState(null, '', '/')
  state.confirming = null
}

export const isAdmin = () => state.session?.role === 'admin'

export async function loadBalance() {
  state.balance = await api<Balance>('/api/v1/credits/balance')
}

export async function loadAnalytics() {
  // The last 30 days in Tokyo, inclusive: the same window the line chart shows
  const day = (offset: number) => new Date(Date.now() + 9 * 3600_000 - offset * 86400_000).toISOString().slice(0, 10)
  state.analytics = await api<Analytics>(`/api/v1/credits/analytics?from=${day(29)}&to=${day(0)}`)
}

export async function loadPurchases() {
  state.purchases = (await api<Page<PurchaseRecord>>('/api/v1/billing/purchases?limit=10')).items
}

export async function loadAlerts() {
  state.alerts = (await api<Page<Alert>>('/api/v1/alerts?limit=20')).items
}

/** Waits until the balance shows {@code predicate}: credits arrive by webhook and event, seconds after the payment. */
export async function awaitBalance(predicate: (b: Balance) => boolean, timeoutMs = 60000): Promise<boolean> {
  const until = Date.now() + timeoutMs
  let pause = 500
  while (Date.now() < until) {
    await loadBalance()
    if (state.balance && predicate(state.balance)) return true
    await new Promise(r => setTimeout(r, pause))
    pause = Math.min(pause * 1.5, 3000)
  }
  return false
}
