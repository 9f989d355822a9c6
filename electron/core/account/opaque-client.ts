// Process: core (trusted Node side; never imports electron).
// OPAQUE keeps the password off the server entirely: the server stores a registration record
// it cannot test guesses against without its OPRF key, and learns nothing at login. The
// library takes the password as a JS string, so the string exists only for the duration of
// these calls; the core otherwise keeps the password as bytes.
import * as opaque from '@serenity-kit/opaque';
import {
  loginFinishReply,
  loginStartReply,
  paths,
  signupFinishReply,
  signupStartReply,
} from '../../../shared/api.ts';
import { fromUtf8 } from '../../../shared/encoding.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { EncryptedKeyset } from '../../../shared/formats.ts';
import type { HttpClient } from '../net/http.ts';

export async function opaqueSignup(
  http: HttpClient,
  email: string,
  name: string,
  password: Uint8Array,
  keyset: EncryptedKeyset,
): Promise<string> {
  await opaque.ready;
  const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({
    password: fromUtf8(password),
  });
  const { registrationResponse } = await http.request(
    'POST',
    paths.signupStart,
    { email, registrationRequest },
    signupStartReply,
  );
  const { registrationRecord } = opaque.client.finishRegistration({
    clientRegistrationState,
    registrationResponse,
    password: fromUtf8(password),
  });
  const { userId } = await http.request(
    'POST',
    paths.signupFinish,
    { email, name, registrationRecord, keyset },
    signupFinishReply,
  );
  return userId;
}

export async function opaqueLogin(http: HttpClient, email: string, password: Uint8Array) {
  await opaque.ready;
  const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password: fromUtf8(password) });
  const { loginId, loginResponse } = await http.request(
    'POST',
    paths.loginStart,
    { email, startLoginRequest },
    loginStartReply,
  );
  const finished = opaque.client.finishLogin({
    clientLoginState,
    loginResponse,
    password: fromUtf8(password),
  });
  if (!finished) throw new TesseraError('wrong_password', 'wrong email or password');
  return http.request(
    'POST',
    paths.loginFinish,
    { loginId, finishLoginRequest: finished.finishLoginRequest },
    loginFinishReply,
  );
}
