<?php
/**
 * The plugin's options: what they hold, their defaults and how submitted values are checked.
 *
 * Two options:
 * - `peer_call_settings` (array): server_url, room_prefix, default_room, anonymous.
 * - `peer_call_join_secret` (string, not autoloaded): the signaling server's JOIN_SECRET. It is
 *   only ever read to sign tokens; no page, form or REST answer prints it. The constant
 *   PEER_CALL_JOIN_SECRET in wp-config.php, when defined, takes its place (a secret kept out of
 *   the database).
 *
 * @package PeerCall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Room names the signaling server accepts (src/signaling/protocol.ts ROOM_NAME_PATTERN). */
const PEER_CALL_ROOM_PATTERN = '/^[A-Za-z0-9][A-Za-z0-9._~-]{0,63}$/';

/** The settings, with defaults filled in. */
function peer_call_settings() {
	$stored = get_option( 'peer_call_settings', array() );
	return wp_parse_args(
		is_array( $stored ) ? $stored : array(),
		array(
			'server_url'   => '',
			'room_prefix'  => '',
			'default_room' => '',
			'anonymous'    => 'admit',
		)
	);
}

/** The join secret, or '' when none is set. Never print it. */
function peer_call_join_secret() {
	if ( defined( 'PEER_CALL_JOIN_SECRET' ) && is_string( PEER_CALL_JOIN_SECRET ) ) {
		return PEER_CALL_JOIN_SECRET;
	}
	$secret = get_option( 'peer_call_join_secret', '' );
	return is_string( $secret ) ? $secret : '';
}

/**
 * The server URL in canonical form (scheme://host[:port][/path], no trailing slash), or a
 * WP_Error saying what is wrong. https only: the page loads its script from there and the
 * browser talks to it over WebSockets, so a plain-http server would be mixed content on an
 * https site and would carry tokens in clear. The one exception is a server on this machine's
 * loopback (localhost, 127.0.0.1, [::1]), which browsers treat as secure; it is for trying the
 * plugin out and for tests.
 *
 * @param string $url As typed.
 * @return string|WP_Error
 */
function peer_call_normalize_server_url( $url ) {
	$url = trim( (string) $url );
	if ( '' === $url ) {
		return '';
	}
	$parts = wp_parse_url( $url );
	if ( ! is_array( $parts ) || empty( $parts['scheme'] ) || empty( $parts['host'] ) ) {
		return new WP_Error( 'peer_call_url', __( 'The server URL is not a URL; it looks like https://call.example.com.', 'peer-call' ) );
	}
	$scheme   = strtolower( $parts['scheme'] );
	$host     = strtolower( $parts['host'] );
	$loopback = in_array( $host, array( 'localhost', '127.0.0.1', '[::1]' ), true );
	if ( 'https' !== $scheme && ! ( 'http' === $scheme && $loopback ) ) {
		return new WP_Error( 'peer_call_url', __( 'The server URL must start with https:// (plain http:// only for a server on localhost).', 'peer-call' ) );
	}
	if ( isset( $parts['user'] ) || isset( $parts['pass'] ) || isset( $parts['query'] ) || isset( $parts['fragment'] ) ) {
		return new WP_Error( 'peer_call_url', __( 'The server URL must not contain a user name, a password, a query (?…) or a fragment (#…).', 'peer-call' ) );
	}
	if ( ! preg_match( '/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/', $host ) ) {
		return new WP_Error( 'peer_call_url', __( 'The server URL has an invalid host name.', 'peer-call' ) );
	}
	$path = isset( $parts['path'] ) ? rtrim( $parts['path'], '/' ) : '';
	if ( '' !== $path && ! preg_match( '#^(/[A-Za-z0-9._~!$&\'()*+,;=:@%-]+)+$#', $path ) ) {
		return new WP_Error( 'peer_call_url', __( 'The server URL has an invalid path.', 'peer-call' ) );
	}
	$port = isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '';
	return $scheme . '://' . $host . $port . $path;
}

/**
 * Sanitizes the submitted `peer_call_settings`; keeps the previous value of a field that is
 * invalid, with an error on the settings page.
 *
 * @param mixed $input The submitted array.
 * @return array
 */
function peer_call_sanitize_settings( $input ) {
	$old   = peer_call_settings();
	$input = is_array( $input ) ? $input : array(); // options.php has unslashed it.
	$out   = $old;

	if ( array_key_exists( 'server_url', $input ) ) {
		$url = peer_call_normalize_server_url( sanitize_text_field( (string) $input['server_url'] ) );
		if ( is_wp_error( $url ) ) {
			add_settings_error( 'peer_call_settings', 'peer_call_server_url', $url->get_error_message() );
		} else {
			$out['server_url'] = $url;
		}
	}

	foreach ( array(
		'room_prefix'  => __( 'The room name prefix may hold only letters, digits and . _ ~ - (at most 32), and must start with a letter or digit.', 'peer-call' ),
		'default_room' => __( 'The default room may hold only letters, digits and . _ ~ - (at most 64), and must start with a letter or digit.', 'peer-call' ),
	) as $key => $message ) {
		if ( ! array_key_exists( $key, $input ) ) {
			continue;
		}
		$value = trim( sanitize_text_field( (string) $input[ $key ] ) );
		$max   = 'room_prefix' === $key ? 32 : 64;
		if ( '' === $value || ( strlen( $value ) <= $max && preg_match( PEER_CALL_ROOM_PATTERN, $value ) ) ) {
			$out[ $key ] = $value;
		} else {
			add_settings_error( 'peer_call_settings', 'peer_call_' . $key, $message );
		}
	}

	if ( isset( $input['anonymous'] ) ) {
		$out['anonymous'] = 'refuse' === $input['anonymous'] ? 'refuse' : 'admit';
	}
	return $out;
}

/**
 * Sanitizes the submitted join secret. The form's field is always empty (the secret is never
 * sent back to the browser), so an empty submission keeps the stored secret; "remove" clears it.
 *
 * @param mixed $input The submitted value.
 * @return string
 */
function peer_call_sanitize_join_secret( $input ) {
	$old = get_option( 'peer_call_join_secret', '' );
	$old = is_string( $old ) ? $old : '';
	// options.php has checked the settings nonce and the capability before sanitizing.
	// phpcs:ignore WordPress.Security.NonceVerification.Missing
	if ( ! empty( $_POST['peer_call_remove_join_secret'] ) ) {
		return '';
	}
	$new = is_string( $input ) ? trim( $input ) : ''; // options.php has unslashed it.
	if ( '' === $new || $new === $old ) {
		return $old;
	}
	if ( strlen( $new ) < 16 || preg_match( '/[\x00-\x1f\x7f]/', $new ) ) {
		add_settings_error( 'peer_call_settings', 'peer_call_join_secret', __( 'The join secret must be at least 16 characters without control characters (the same value as JOIN_SECRET on the server). The previous secret is kept.', 'peer-call' ) );
		return $old;
	}
	return $new;
}
