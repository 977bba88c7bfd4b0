import * as apigateway from 'aws-cdk-lib/aws-apigateway';

interface ContractGatewayResponse {
  type: apigateway.ResponseType;
  statusCode: number;
  error: string;
  message: string;
  headers?: Record<string, string>;
}

/**
 * Answers API Gateway gives without calling a function, reshaped into the contract's error body
 * (`statusCode`, `error`, `message`) so clients see one shape whoever answers.
 */
export const CONTRACT_GATEWAY_RESPONSES: readonly ContractGatewayResponse[] = [
  // What API Gateway answers for an unknown path or an unsupported method on a known one.
  {
    type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    statusCode: 404,
    error: 'Not Found',
    message: 'Not Found',
  },
  // Stage throttling; Retry-After is static because API Gateway cannot say when the bucket refills.
  {
    type: apigateway.ResponseType.THROTTLED,
    statusCode: 429,
    error: 'Too Many Requests',
    message: 'RATE_LIMIT_EXCEEDED',
    headers: { 'Retry-After': "'60'" },
  },
  {
    type: apigateway.ResponseType.QUOTA_EXCEEDED,
    statusCode: 429,
    error: 'Too Many Requests',
    message: 'RATE_LIMIT_EXCEEDED',
    headers: { 'Retry-After': "'60'" },
  },
  // Refused by a WAF rule or a resource policy: the contract's answer for "not yours to call".
  {
    type: apigateway.ResponseType.ACCESS_DENIED,
    statusCode: 403,
    error: 'Forbidden',
    message: 'Forbidden',
  },
  {
    type: apigateway.ResponseType.WAF_FILTERED,
    statusCode: 403,
    error: 'Forbidden',
    message: 'Forbidden',
  },
  // The contract has no 413 or 415: any other request API Gateway refuses is a malformed request.
  {
    type: apigateway.ResponseType.DEFAULT_4XX,
    statusCode: 400,
    error: 'Bad Request',
    message: 'Bad Request',
  },
  // A function that crashed, timed out inside Lambda or answered something unreadable.
  {
    type: apigateway.ResponseType.DEFAULT_5XX,
    statusCode: 502,
    error: 'Bad Gateway',
    message: 'Bad Gateway',
  },
  {
    type: apigateway.ResponseType.INTEGRATION_TIMEOUT,
    statusCode: 504,
    error: 'Gateway Timeout',
    message: 'Gateway Timeout',
  },
];

/** Adds the contract's gateway responses to an API. */
export function addContractGatewayResponses(api: apigateway.RestApi): void {
  for (const response of CONTRACT_GATEWAY_RESPONSES) {
    const body = {
      statusCode: response.statusCode,
      error: response.error,
      message: response.message,
      requestId: '$context.requestId',
    };
    api.addGatewayResponse(gatewayResponseId(response.type), {
      type: response.type,
      statusCode: String(response.statusCode),
      responseHeaders: {
        // Header values are static (quoted) or request values: API Gateway cannot map $context here,
        // so these answers carry the request id in the body and in its own x-amzn-RequestId header.
        'Content-Type': "'application/json'",
        ...response.headers,
      },
      templates: { 'application/json': JSON.stringify(body) },
    });
  }
}

/** THROTTLED → ThrottledResponse, a stable construct id. */
const gatewayResponseId = (type: apigateway.ResponseType): string =>
  `${type.responseType
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')}Response`;
