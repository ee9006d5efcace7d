<?php
/**
 * The markup of a call, shared by the shortcode and the block (its render_callback), so both
 * produce exactly the same thing:
 *
 *     <peer-call room="…" server="…" name="…" token="…"></peer-call>
 *
 * plus the element's script, <SERVER>/peer-call.js, enqueued in the footer of pages that
 * render a call (WordPress prints an enqueued handle once, however many calls the page has).
 *
 * @package PeerCall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * `[peer-call room="…"]`.
 *
 * @param array|string $atts Shortcode attributes.
 * @return string
 */
function peer_call_shortcode( $atts ) {
	$atts = shortcode_atts( array( 'room' => '' ), is_array( $atts ) ? $atts : array(), 'peer-call' );
	return peer_call_render( (string) $atts['room'] );
}

/**
 * The block's render_callback.
 *
 * @param array $attributes Block attributes.
 * @return string
 */
function peer_call_render_block( $attributes ) {
	return peer_call_render( isset( $attributes['room'] ) ? (string) $attributes['room'] : '' );
}

/**
 * The room a call joins: the settings' prefix and the given room, else the default room, else
 * one per post ("post-123"), so a call without a room name still has a stable one.
 *
 * The name is not filtered here: every character reaches the element, escaped, and the
 * signaling server refuses names it does not accept (the element then says why).
 *
 * @param string $room As given in the shortcode or the block.
 * @return string
 */
function peer_call_room( $room ) {
	$settings = peer_call_settings();
	$room     = trim( $room );
	if ( '' === $room ) {
		$room = $settings['default_room'];
	}
	if ( '' === $room ) {
		$post = get_post();
		$room = $post ? 'post-' . $post->ID : 'call';
	}
	return $settings['room_prefix'] . $room;
}

/**
 * Whether a call rendered for the current visitor differs from visitor to visitor or over time:
 * a logged-in user's call carries their name (and, with a secret, their token); an anonymous
 * visitor's carries a token that expires.
 */
function peer_call_markup_is_personal() {
	$settings = peer_call_settings();
	if ( is_user_logged_in() ) {
		return true;
	}
	return 'admit' === $settings['anonymous'] && '' !== peer_call_join_secret();
}

/**
 * Keeps a page that carries a token or a user's name out of page caches.
 *
 * A cached copy would hand one user's name and host token to everyone served from the cache,
 * and an anonymous token that has long expired (tokens live an hour) to later visitors. So:
 * - DONOTCACHEPAGE is the constant page-cache plugins (WP Super Cache, W3 Total Cache,
 *   LiteSpeed Cache, WP Rocket, ...) check before storing a page — including those that cache
 *   pages for logged-in users;
 * - nocache_headers() sends Cache-Control: no-cache, must-revalidate, max-age=0, no-store,
 *   private, for proxies, CDNs and the browser's back/forward cache. Headers can only be sent
 *   before output, so peer_call_template_redirect() sends them for singular pages with a call
 *   before the theme prints anything; render time sends them when it is still possible (block
 *   themes render the content before printing) and sets the constant in any case.
 */
function peer_call_no_page_cache() {
	if ( ! defined( 'DONOTCACHEPAGE' ) ) {
		define( 'DONOTCACHEPAGE', true );
	}
	if ( ! headers_sent() ) {
		nocache_headers();
	}
}

/** template_redirect: a singular page with a call is marked uncachable before any output. */
function peer_call_template_redirect() {
	if ( ! is_singular() || ! peer_call_markup_is_personal() ) {
		return;
	}
	$post = get_queried_object();
	if ( $post instanceof WP_Post && ( has_shortcode( $post->post_content, 'peer-call' ) || has_block( 'peer-call/call', $post ) ) ) {
		peer_call_no_page_cache();
	}
}

/**
 * The call for the current visitor, or a message when there is none to show.
 *
 * @param string $room As given in the shortcode or the block ('' for the default).
 * @return string HTML.
 */
function peer_call_render( $room ) {
	$settings = peer_call_settings();
	if ( '' === $settings['server_url'] ) {
		// Only someone who can fix it is told; visitors see nothing.
		if ( current_user_can( 'manage_options' ) ) {
			return '<p class="peer-call-notice">' . esc_html__( 'Peer Call: no call server is set yet. Set one in Settings → Peer Call.', 'peer-call' ) . '</p>';
		}
		return '';
	}

	if ( ! is_user_logged_in() && 'refuse' === $settings['anonymous'] ) {
		$post  = get_post();
		$login = wp_login_url( $post ? get_permalink( $post ) : '' );
		return '<p class="peer-call-login-required">'
			. esc_html__( 'This call is for members of this site. Please log in to join it.', 'peer-call' )
			. ' <a href="' . esc_url( $login ) . '">' . esc_html__( 'Log in', 'peer-call' ) . '</a></p>';
	}

	$room = peer_call_room( $room );
	$atts = array(
		'room'   => $room,
		'server' => $settings['server_url'],
	);
	if ( is_user_logged_in() ) {
		$name = peer_call_clean_name( wp_get_current_user()->display_name );
		if ( '' !== $name ) {
			$atts['name'] = $name;
		}
	}
	$token = peer_call_token_for_current_user( $room );
	if ( '' !== $token ) {
		$atts['token'] = $token;
	}
	if ( peer_call_markup_is_personal() ) {
		peer_call_no_page_cache();
	}

	// No version query: the server serves its current script (with its own cache validators).
	wp_enqueue_script( 'peer-call', $settings['server_url'] . '/peer-call.js', array(), null, true ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion

	$html = '<peer-call';
	foreach ( $atts as $key => $value ) {
		$html .= ' ' . $key . '="' . esc_attr( $value ) . '"';
	}
	return $html . '></peer-call>';
}
