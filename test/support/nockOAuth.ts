/** The hosts and the OAuth2 credential of the transport tests that answer through nock (nothing listens). */
export const TOKEN_HOST = 'https://login.example.test';
export const API = 'https://api.example.test';
export const CREDENTIALS = {
	tokenUrl: `${TOKEN_HOST}/oauth/token`,
	baseUrl: API,
	clientId: 'id',
	clientSecret: 'secret',
};
