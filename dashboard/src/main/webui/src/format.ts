// Japanese labels and number/date formats, in one place.

export const FUNCTION_LABELS: Record<string, string> = {
  // the contracts module's FunctionType names, so the history matches the services' own texts
  chatbot: 'チャットボット', recommendation: 'レコメンデーション', prediction: '予測', analysis: '分析', custom: 'カスタム',
}
export const functionLabel = (f: string | null | undefined) => (f && FUNCTION_LABELS[f.toLowerCase()]) || f || '—'

export const TRANSACTION_LABELS: Record<string, string> = {
  USAGE: '使用', PURCHASE: '購入', MONTHLY_RESET: '月次付与', BONUS: 'ボーナス', REFUND: '返金', EXPIRY: '失効', ADJUSTMENT: '調整',
}
export const GRANT_LABELS: Record<string, string> = { MONTHLY_FREE: '無料クレジット', PURCHASE: '購入分', BONUS: 'ボーナス', REFUND: '返金分' }
export const PAYMENT_STATUS_LABELS: Record<string, string> = {
  completed: '支払い済み', pending: '支払い待ち', failed: '失敗', requires_action: '本人認証待ち',
}
export const PAYMENT_METHOD_LABELS: Record<string, string> = { stripe: 'クレジットカード', invoice: '請求書払い', stored_card: '登録済みカード' }
export const SEVERITY_LABELS: Record<string, string> = { INFO: 'お知らせ', WARNING: '警告', HIGH: '重要', CRITICAL: '緊急' }

const TZ = 'Asia/Tokyo'
const number = new Intl.NumberFormat('ja-JP')
export const formatNumber = (n: number | null | undefined) => number.format(n ?? 0)
export const formatYen = (n: number | null | undefined) => `¥${number.format(n ?? 0)}`
const dateTime = new Intl.DateTimeFormat('ja-JP', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
export const formatDateTime = (iso: string | null | undefined) => iso ? dateTime.format(new Date(iso)) : '—'
const shortDate = new Intl.DateTimeFormat('ja-JP', { timeZone: TZ, month: 'numeric', day: 'numeric' })
export const formatDate = (iso: string) => shortDate.format(new Date(iso.length === 10 ? `${iso}T00:00:00+09:00` : iso))

/** "今月末に失効" when a grant expires before the next tenant-local month starts, else the date. */
export function expiryLabel(expiresAt: string | null): string {
  if (!expiresAt) return '無期限'
  const now = new Date()
  const tokyoNow = new Date(now.toLocaleString('en-US', { timeZone: TZ }))
  const monthEnd = new Date(tokyoNow.getFullYear(), tokyoNow.getMonth() + 1, 1)
  const offset = tokyoNow.getTime() - now.getTime()
  return new Date(expiresAt).getTime() + offset <= monthEnd.getTime() ? '今月末に失効' : `${formatDateTime(expiresAt)} に失効`
}
