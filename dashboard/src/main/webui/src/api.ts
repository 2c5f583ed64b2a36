// One client for the four services, all on this origin (the Ingress, or ./dev/up's proxy, routes by path).
// Every failure becomes an ApiError whose message is Japanese: the problem+json title when the service
// sent one (the services' titles are Japanese), else a text for the code or the HTTP status.

export interface Session { token: string; tenant: string; role: 'staff' | 'admin'; user: string }

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly code?: string, readonly detail?: string,
              readonly requestId?: string) {
    super(message)
  }
}

const CODE_MESSAGES: Record<string, string> = {
  UNAUTHORIZED: 'ログインの有効期限が切れました。もう一度ログインしてください',
  FORBIDDEN: 'この操作を行う権限がありません',
  NOT_FOUND: '見つかりません',
  VALIDATION_FAILED: '入力内容に誤りがあります',
  INSUFFICIENT_CREDITS: 'クレジット残高不足',
  RATE_LIMIT_EXCEEDED: '使用頻度制限に達しました',
  PROVIDER_UNAVAILABLE: '決済サービスに接続できません。しばらくしてからお試しください',
  CARD_DECLINED: 'カードが拒否されました',
  IDEMPOTENCY_CONFLICT: '同じ操作が別の内容で実行されています',
  UPSTREAM_UNAVAILABLE: 'サービスに接続できません',
}

function statusMessage(status: number): string {
  if (status === 401) return CODE_MESSAGES.UNAUTHORIZED
  if (status === 403) return CODE_MESSAGES.FORBIDDEN
  if (status === 404) return CODE_MESSAGES.NOT_FOUND
  if (status === 429) return CODE_MESSAGES.RATE_LIMIT_EXCEEDED
  if (status >= 500) return 'サーバーでエラーが発生しました。しばらくしてからお試しください'
  return 'リクエストを処理できませんでした'
}

const hasJapanese = (s: unknown): s is string => typeof s === 'string' && /[\u3040-\u30ff\u4e00-\u9fff]/.test(s)

export async function toApiError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {}
  try { body = await res.json() } catch { /* not JSON: fall back to the status */ }
  const code = typeof body.code === 'string' ? body.code : undefined
  const title = hasJapanese(body.title) ? body.title : (code && CODE_MESSAGES[code]) || statusMessage(res.status)
  // Field errors of VALIDATION_FAILED are English; the Japanese title leads, the field names follow
  const violations = Array.isArray(body.violations) ? (body.violations as { field?: string }[]).map(v => v.field).filter(Boolean) : []
  const message = violations.length ? `${title}（${violations.join(', ')}）` : title
  return new ApiError(message, res.status, code, typeof body.detail === 'string' ? body.detail : undefined,
    res.headers.get('X-Request-Id') ?? undefined)
}

let session: Session | null = null
let onUnauthorized: () => void = () => {}

export function useSession(s: Session | null, unauthorized?: () => void) {
  session = s
  if (unauthorized) onUnauthorized = unauthorized
}

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const headers = new Headers(init.headers)
  if (session) headers.set('Authorization', `Bearer ${session.token}`)
  headers.set('Accept', 'application/json, application/problem+json')
  let body = init.body
  if (init.json !== undefined) {
    headers.set('Content-Type', 'application/json')
    body = JSON.stringify(init.json)
  }
  let res: Response
  try {
    res = await fetch(path, { ...init, headers, body })
  } catch {
    throw new ApiError('サーバーに接続できません。ネットワークを確認してください', 0, 'NETWORK')
  }
  if (!res.ok) {
    const error = await toApiError(res)
    if (res.status === 401) onUnauthorized()
    throw error
  }
  if (res.status === 204) return undefined as T
  return res.json() as Promise<T>
}

export const errorText = (e: unknown) =>
  e instanceof ApiError || (e instanceof Error && hasJapanese(e.message)) ? (e as Error).message : '予期しないエラーが発生しました'

// ---- shapes of the services' answers (README "APIs at a glance")

export interface GrantBucket { source: string; remaining: number; expiresAt: string | null }
export interface Balance {
  account: { accountId: string; tenantId: string; planType: string }
  balance: {
    currentBalance: number; monthlyFreeCredits: number; usedThisMonth: number; totalPurchased: number
    estimatedDaysLeft: number | null; heldCredits: number; totalBalance: number; grants: GrantBucket[]
    /** Refunded credits that running executions held when the refund came; taken from the next available */
    owedCredits?: number
  }
  autoPurchase: AutoPurchase
  usage: { topFunctions: { functionType: string; creditsUsed: number; percentage: number }[]; dailyUsage: { date: string; credits: number }[] }
}
/** Auto-purchase settings and where they stand (credit-service PUT /api/v1/credits/auto-purchase answers the same) */
export interface AutoPurchase {
  enabled: boolean; threshold: number; purchaseAmount: number; mode: 'FIXED' | 'TOP_UP'; packageId: string | null
  targetBalance: number | null; monthlyCapCredits: number | null; monthlyCapYen: number | null
  state?: { requestInFlight: boolean; consecutiveFailures: number; lastFailure: string | null; creditsThisMonth: number; yenThisMonth: number }
}
/** The body of PUT /api/v1/credits/auto-purchase: the settings without their state */
export function autoPurchaseSettings(a: AutoPurchase) {
  const { enabled, threshold, purchaseAmount, mode, packageId, targetBalance, monthlyCapCredits, monthlyCapYen } = a
  return { enabled, threshold, purchaseAmount, mode, packageId, targetBalance, monthlyCapCredits, monthlyCapYen }
}
export interface Analytics {
  period: { startDate: string; endDate: string; days: number }
  usage: { totalCreditsUsed: number; averageDaily: number; peakDay: { date: string; credits: number } | null; efficiency: { score: number; recommendation: string } }
  functions: { functionType: string; totalUsage: number; averageExecutionTime: number; successRate: number; costEfficiency: number }[]
  spending: { totalCost: number; savingsFromPlan: number; projectedMonthlySpend: number; planOptimization?: { suggestedPlan: string; estimatedSavings: number } }
}
export interface Transaction {
  transactionId: string; type: string; creditsAmount: number; balanceAfter: number; functionType: string | null
  executionTimeMs: number | null; totalCostYen: number | null; userId: string | null; description: string | null
  referenceId: string | null; createdAt: string
  /** Entries that took credits out: which grants paid, in burn order */
  paidFrom?: { source: string; grantId: string; credits: number }[]
}
export interface Page<T> { items: T[]; nextCursor: string | null }
export interface CreditPackage {
  id: string; planType: string; credits: number; priceYen: number; priceYenWithTax: number; discountPercent: number
  yenPerCredit: number; bulk: boolean; promotional: boolean; displayName: string; description: string; marketingHighlight: string
}
export interface PurchaseRecord {
  transactionId: string; packageId: string; credits: number; priceYen: number; taxYen: number; amountYen: number
  paymentMethod: string; source: string; paymentStatus: string; paymentIntentId?: string; invoiceId?: string
  hostedInvoiceUrl?: string; failureCode?: string; createdAt: string; paidAt?: string
}
export interface PurchaseResponse {
  purchase: { transactionId: string; packageId: string; creditsAdded: number; totalCost: number; priceYen: number; taxYen: number; discount?: { amount: number; percentage: number } }
  payment: { paymentStatus: 'completed' | 'pending' | 'failed' | 'requires_action'; paymentIntentId?: string; clientSecret?: string; errorMessage?: string; errorCode?: string; invoiceId?: string; hostedInvoiceUrl?: string; invoiceDueAt?: string }
}
export interface SavedCard { paymentMethodId: string; brand: string; last4: string }
/** POST /api/v1/billing/payment-method: requires_action carries the SetupIntent for 3-D Secure. */
export interface SetupResult { status: string; setupIntentId: string; clientSecret: string | null; card: SavedCard | null }
export interface Alert {
  id: string; alertType: string; severity: string; title: string; message: string
  details: { label: string; value: string }[]; createdAt: string; acknowledgedAt: string | null; acknowledgedBy: string | null
}
export interface Channels { adminEmails: string[]; slackWebhookUrl: string | null; slackChannel: string | null; mutedTypes: string[]; hotelName: string | null; updatedAt: string | null }
export interface DashboardConfig {
  mode: 'local' | 'production'; devSignIn: boolean; hostOrigin: string | null
  payments: { testMode: boolean; stripePublishableKey: string | null }
}

/** A key per purchase attempt: a retry of the same attempt never charges twice (billing's Idempotency-Key). */
export const newIdempotencyKey = () => crypto.randomUUID()
