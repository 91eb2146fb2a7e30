import { Body, Controller, Post, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { LoginRequest, LogoutRequest, RefreshRequest, RegisterRequest, TokenPair } from '../schemas/auth.js';
import type { ProblemDetails, ValidationProblem } from '../schemas/problem.js';
import type { UserOut } from '../schemas/user.js';
import { login, logout, refresh, register } from '../services/auth-service.js';
import { NO_STORE } from './cache-policy.js';

/**
 * Accounts and tokens. Every /auth endpoint is rate limited per client IP
 * (429 with Retry-After).
 */
@Route('api/v1/auth')
@Tags('Auth')
export class AuthController extends Controller {
  /**
   * Creates a shopper account. Usernames and e-mail addresses are unique
   * regardless of case. The answer never contains the password or its hash.
   * Any field not listed (such as `role`) is refused with 422 and nothing is
   * created.
   * @summary Register
   */
  @Post('register')
  @SuccessResponse<{ Location: string }>(201, 'Created; Location is the account (/api/v1/users/me)')
  @Response<ProblemDetails>(409, 'The username or e-mail address is taken', undefined, 'application/problem+json')
  @Response<ValidationProblem>(422, 'Invalid or unknown fields', undefined, 'application/problem+json')
  public async register(@Body() body: RegisterRequest): Promise<UserOut> {
    const user = await register(body);
    this.setHeader('Location', '/api/v1/users/me');
    this.setStatus(201);
    return user;
  }

  /**
   * Logs in with a username (or e-mail address) and password and returns an
   * access token (15 minutes) and a refresh token (7 days). Accepts JSON or
   * the OAuth2 password form, so Swagger UI's **Authorize** button works.
   * Unknown users, wrong passwords and deactivated accounts all get the same
   * 401. After repeated failures for one username from one IP, 429 until the
   * window passes; a successful login resets the count.
   * @summary Log in
   */
  @Post('login')
  @Response<ProblemDetails>(401, 'Invalid username or password', undefined, 'application/problem+json')
  @Response<ValidationProblem>(422, 'Missing or unknown fields', undefined, 'application/problem+json')
  @Response<ProblemDetails>(503, 'Sign-in state (Redis) is unavailable', undefined, 'application/problem+json')
  public async login(@Body() body: LoginRequest, @Request() req: ExpressRequest): Promise<TokenPair> {
    const pair = await login(body, req.ip ?? 'unknown');
    this.setHeader('Cache-Control', NO_STORE);
    return pair;
  }

  /**
   * Exchanges a refresh token for a new access + refresh pair. Each refresh
   * token works once, with a short grace for parallel requests and retries:
   * presented again within `REFRESH_REUSE_GRACE_SECONDS` (10 by default) of
   * its exchange, it gets the same new refresh token again, with a fresh
   * access token. Presented later, or after that new refresh token was used
   * in turn, it ends the whole login (every token issued since that login
   * stops working), because it means someone else has a copy.
   * @summary Refresh tokens
   */
  @Post('refresh')
  @Response<ProblemDetails>(
    401,
    'Invalid, expired, revoked or already used refresh token',
    undefined,
    'application/problem+json',
  )
  @Response<ValidationProblem>(422, 'Missing or unknown fields', undefined, 'application/problem+json')
  @Response<ProblemDetails>(503, 'Sign-in state (Redis) is unavailable', undefined, 'application/problem+json')
  public async refreshTokens(@Body() body: RefreshRequest): Promise<TokenPair> {
    const pair = await refresh(body.refresh_token);
    this.setHeader('Cache-Control', NO_STORE);
    return pair;
  }

  /**
   * Ends this login: the access token stops working at once (it is
   * blacklisted until it would have expired) and so do the login's refresh
   * tokens.
   * @summary Log out
   */
  @Post('logout')
  @Security('jwt')
  @SuccessResponse(204, 'Logged out')
  @Response<ProblemDetails>(401, 'Missing, invalid or revoked access token', undefined, 'application/problem+json')
  @Response<ValidationProblem>(422, 'Unknown fields', undefined, 'application/problem+json')
  @Response<ProblemDetails>(503, 'Sign-in state (Redis) is unavailable', undefined, 'application/problem+json')
  public async logout(@Request() req: ExpressRequest, @Body() body?: LogoutRequest): Promise<void> {
    await logout(req.user!, body?.refresh_token);
    this.setStatus(204);
  }
}
