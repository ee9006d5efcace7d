<?php
/**
 * Plugin Name:       Peer Call
 * Plugin URI:        https://github.com/peer-call/peer-call
 * Description:       Peer-to-peer video calls with chat in posts and pages: a "Peer Call" block and a [peer-call room="…"] shortcode, backed by your own peer-call signaling server, with join tokens for your users.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            the peer-call contributors
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       peer-call
 *
 * @package PeerCall
 */

/*
 * Peer Call is free software: you can redistribute it and/or modify it under the terms of the
 * GNU General Public License as published by the Free Software Foundation, either version 2 of
 * the License, or (at your option) any later version.
 *
 * Peer Call is distributed in the hope that it will be useful, but WITHOUT ANY WARRANTY; without
 * even the implied warranty of MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE. See the GNU
 * General Public License for more details.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'PEER_CALL_VERSION', '0.1.0' );
define( 'PEER_CALL_DIR', __DIR__ );

require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/token.php';
require_once __DIR__ . '/includes/render.php';
require_once __DIR__ . '/includes/admin.php';

add_action( 'init', 'peer_call_init' );

/** Registers the shortcode and the block; both render through peer_call_render(). */
function peer_call_init() {
	load_plugin_textdomain( 'peer-call', false, dirname( plugin_basename( __FILE__ ) ) . '/languages' );

	add_shortcode( 'peer-call', 'peer_call_shortcode' );

	register_block_type(
		__DIR__ . '/block',
		array( 'render_callback' => 'peer_call_render_block' )
	);
	if ( function_exists( 'wp_set_script_translations' ) ) {
		wp_set_script_translations( 'peer-call-call-editor-script', 'peer-call' );
	}
}

add_action( 'template_redirect', 'peer_call_template_redirect' );

add_filter( 'plugin_action_links_' . plugin_basename( __FILE__ ), 'peer_call_action_links' );

/** A "Settings" link on the Plugins screen. */
function peer_call_action_links( $links ) {
	$url = admin_url( 'options-general.php?page=peer-call' );
	array_unshift( $links, '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'peer-call' ) . '</a>' );
	return $links;
}
