// A real OpenID Connect provider for tests/test_oidc.py: panva/node-oidc-provider (OpenID
// Certified), with its own login pages (devInteractions: any login name, no password) standing
// for an office's identity provider. One client, from the command line:
//   node provider.mjs CLIENT_ID CLIENT_SECRET REDIRECT_URI
// It listens on an OS-chosen port of 127.0.0.1 and prints "issuer http://127.0.0.1:PORT".
// The person who signs in as LOGIN has the e-mail LOGIN (when it has an @), else
// LOGIN@office.example, verified, and the name "Person LOGIN".
import http from "node:http";
import Provider from "oidc-provider";

const [clientId, clientSecret, redirectUri] = process.argv.slice(2);
const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    pkce: { required: () => true },
    cookies: { keys: ["emeeting-test-provider"] },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id.includes("@") ? id : `${id}@office.example`, email_verified: true, name: `Person ${id}` };
        },
      };
    },
  });
  provider.on("server_error", (ctx, error) => console.error("server_error", error));
  server.on("request", provider.callback());
  console.log(`issuer ${issuer}`);
});
