import {
  Body,
  Controller,
  Get,
  Patch,
  Post,
  Request,
  Response,
  Route,
  Security,
  SuccessResponse,
  Tags,
} from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { ProblemDetails, ValidationProblem } from '../schemas/problem.js';
import type { ChangePasswordRequest, UpdateMeRequest, UserOut } from '../schemas/user.js';
import { changePassword, toUserOut, updateMe } from '../services/user-service.js';

/** The caller's own account. Needs an access token. */
@Route('api/v1/users/me')
@Tags('Account')
@Security('jwt')
export class UserController extends Controller {
  /**
   * The account the access token belongs to.
   * @summary Get my account
   */
  @Get()
  public getMyAccount(@Request() req: ExpressRequest): UserOut {
    return toUserOut(req.user!);
  }

  /**
   * Changes the e-mail address and/or phone number. Send only what changes;
   * `"phone": null` removes the phone number. Other fields are refused.
   * @summary Update my account
   */
  @Patch()
  @Response<ProblemDetails>(409, 'The e-mail address belongs to another account', undefined, 'application/problem+json')
  @Response<ValidationProblem>(422, 'Invalid or unknown fields', undefined, 'application/problem+json')
  public async updateMyAccount(@Request() req: ExpressRequest, @Body() body: UpdateMeRequest): Promise<UserOut> {
    return updateMe(req.user!, body);
  }

  /**
   * Changes the password. The current password must be given; wrong guesses
   * count as failed logins (429 after too many). Every other login of the
   * account ends (their tokens stop working); this one stays.
   * @summary Change my password
   */
  @Post('password')
  @SuccessResponse(204, 'Password changed')
  @Response<ValidationProblem>(
    422,
    'Wrong current password, or an invalid new one',
    undefined,
    'application/problem+json',
  )
  @Response<ProblemDetails>(429, 'Too many wrong passwords; see Retry-After', undefined, 'application/problem+json')
  public async changePassword(@Request() req: ExpressRequest, @Body() body: ChangePasswordRequest): Promise<void> {
    await changePassword(req.user!, body, req.ip ?? 'unknown');
    this.setStatus(204);
  }
}
