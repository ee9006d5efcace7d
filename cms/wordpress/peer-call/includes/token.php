<?php
/**
 * Join tokens: compact HS256 JWTs signed with the signaling server's JOIN_SECRET, minted here
 * with nothing but hash_hmac (see signaling-server/src/tokens.ts for what the server checks).
 *
 * Claims: `room` (the one room it admits to), `iat`, `exp` (short-lived), and for a logged-in
 * user `name` (the display name the server announces, overriding what the visitor types) and
 * `role: "host"` for users who may edit others' posts (editors, administrators). The server
 * ignores claims it does not know, so `role` is ready for host controls.
 *
 * @package PeerCall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Lifetime of a token, in seconds: enough to open a page and join, not to keep it for days. */
const PEER_CALL_TOKEN_TTL = 3600;

/** base64url without padding (RFC 7515). */
function peer_call_base64url( $data ) {
	return rtrim( strtr( base64_encode( $data ), '+/', '-_' ), '=' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
}

/**
 * Signs `$claims` as an HS256 JWT.
 *
 * @param array  $claims JSON-serialisable claims.
 * @param string $secret The shared secret.
 * @return string
 */
function peer_call_jwt_hs256( array $claims, $secret ) {
	$header  = peer_call_base64url( wp_json_encode( array( 'alg' => 'HS256', 'typ' => 'JWT' ) ) );
	$payload = peer_call_base64url( wp_json_encode( $claims, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) );
	$signed  = $header . '.' . $payload;
	return $signed . '.' . peer_call_base64url( hash_hmac( 'sha256', $signed, $secret, true ) );
}

/**
 * A display name as text (not HTML) that the server accepts in a token: no control or format
 * characters, at most 64 characters (the server refuses a token whose name breaks its rules).
 *
 * @param string $name Raw display name.
 * @return string
 */
function peer_call_clean_name( $name ) {
	// WordPress stores display names HTML-escaped (the pre_user_display_name filters): "A &amp; B".
	$name = wp_specialchars_decode( (string) $name, ENT_QUOTES );
	$name = preg_replace( '/[\p{Cc}\p{Cf}\x{2028}\x{2029}]/u', '', (string) $name );
	$name = trim( is_string( $name ) ? $name : '' );
	// At most 64 UTF-16 code units, as the server counts (a character beyond U+FFFF, four
	// bytes in UTF-8, counts twice), without needing mbstring.
	$chars = preg_split( '//u', $name, -1, PREG_SPLIT_NO_EMPTY );
	$out   = '';
	$units = 0;
	foreach ( is_array( $chars ) ? $chars : array() as $char ) {
		$units += 4 === strlen( $char ) ? 2 : 1;
		if ( $units > 64 ) {
			break;
		}
		$out .= $char;
	}
	return trim( $out );
}

/**
 * The claims of the current visitor's token for `$room`.
 *
 * @param string       $room The room.
 * @param WP_User|null $user The logged-in user, or null for an anonymous visitor.
 * @return array
 */
function peer_call_token_claims( $room, $user ) {
	$now    = time();
	$claims = array(
		'room' => $room,
		'iat'  => $now,
		'exp'  => $now + PEER_CALL_TOKEN_TTL,
	);
	if ( $user instanceof WP_User && $user->exists() ) {
		$name = peer_call_clean_name( $user->display_name );
		if ( '' !== $name ) {
			$claims['name'] = $name;
		}
		if ( user_can( $user, 'edit_others_posts' ) ) {
			$claims['role'] = 'host';
		}
	}
	/**
	 * Filters the claims of a join token before it is signed.
	 *
	 * @param array        $claims room, iat, exp, and name / role for logged-in users.
	 * @param string       $room   The room.
	 * @param WP_User|null $user   The user, null for anonymous visitors.
	 */
	return apply_filters( 'peer_call_token_claims', $claims, $room, $user );
}

/**
 * A token for the current visitor, or '' when no join secret is set.
 *
 * @param string $room The room.
 * @return string
 */
function peer_call_token_for_current_user( $room ) {
	$secret = peer_call_join_secret();
	if ( '' === $secret ) {
		return '';
	}
	$user = is_user_logged_in() ? wp_get_current_user() : null;
	return peer_call_jwt_hs256( peer_call_token_claims( $room, $user ), $secret );
}
