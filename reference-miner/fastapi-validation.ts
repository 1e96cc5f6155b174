import type { z } from 'zod';

// zod reports an int field given text as "expected number"; pydantic says int_type.
const INTEGER_FIELDS = new Set(['seed', 'num_inference_steps']);

export type FastApiErrorDetail = { loc: (string | number)[]; msg: string; type: string; input?: unknown };

/** Turns zod issues into FastAPI's (pydantic 2) 422 detail entries: `loc` is what clients rely on. */
export function toFastApiDetail(issues: z.core.$ZodIssue[], body: Record<string, unknown>): FastApiErrorDetail[] {
  return issues.map((issue) => {
    const field = issue.path[0] as string;
    const loc = ['body', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    const input = body[field];
    if (input === undefined) return { loc, msg: 'Field required', type: 'missing', input: null };
    switch (issue.code) {
      case 'too_small':
        return { loc, msg: `Input should be greater than or equal to ${issue.minimum}`, type: 'greater_than_equal', input };
      case 'too_big':
        if (issue.inclusive === false) return { loc, msg: `Input should be less than ${issue.maximum}`, type: 'less_than', input };
        return { loc, msg: `Input should be less than or equal to ${issue.maximum}`, type: 'less_than_equal', input };
      case 'invalid_format':
        return { loc, msg: 'Input should be a valid datetime', type: 'datetime_from_date_parsing', input };
      case 'invalid_type':
        if (issue.expected === 'int' && typeof input === 'number')
          return { loc, msg: 'Input should be a valid integer, got a number with a fractional part', type: 'int_from_float', input };
        return { loc, ...typeMessage(INTEGER_FIELDS.has(field) ? 'int' : issue.expected), input };
      default:
        return { loc, msg: issue.message, type: 'value_error', input };
    }
  });
}

function typeMessage(expected: string): { msg: string; type: string } {
  if (expected === 'int') return { msg: 'Input should be a valid integer', type: 'int_type' };
  if (expected === 'number') return { msg: 'Input should be a valid number', type: 'float_type' };
  return { msg: 'Input should be a valid string', type: 'string_type' };
}

/** FastAPI's answer to a body that is not JSON. */
export function jsonInvalidDetail(error: Error): FastApiErrorDetail[] {
  const position = Number(/position (\d+)/.exec(error.message)?.[1] ?? 0);
  return [{ loc: ['body', position], msg: 'JSON decode error', type: 'json_invalid', input: {} }];
}
