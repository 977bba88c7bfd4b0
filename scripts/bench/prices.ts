/**
 * AWS's published on-demand prices in us-east-1 (N. Virginia), in US dollars, as they stood on
 * 2026-11-26 (checked against AWS's pricing pages and their restatements; unchanged since DynamoDB
 * halved its on-demand prices on 1 November 2024):
 *
 * - API Gateway REST APIs, first 333 million requests a month: $3.50 per million
 *   (https://aws.amazon.com/api-gateway/pricing/).
 * - Lambda, first tier of duration (7.5 billion GB-s a month on arm64, 6 billion on x86_64):
 *   $0.0000133334 per GB-s on arm64, $0.0000166667 on x86_64; requests $0.20 per million; duration
 *   billed in 1 ms steps (https://aws.amazon.com/lambda/pricing/).
 * - DynamoDB on-demand, Standard table class: $0.625 per million write request units, $0.125 per
 *   million read request units (https://aws.amazon.com/dynamodb/pricing/on-demand/).
 *
 * Free tiers, Savings Plans, data transfer, CloudWatch Logs, X-Ray and storage are left out: the
 * figure is the marginal cost of requests.
 */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2026-11-26',
  apiGatewayRestPerRequest: 3.5 / 1_000_000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaPerGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
  dynamoDbPerWriteRequestUnit: 0.625 / 1_000_000,
  dynamoDbPerReadRequestUnit: 0.125 / 1_000_000,
} as const;

export type Prices = typeof PRICES;
export type Architecture = keyof Prices['lambdaPerGbSecond'];
