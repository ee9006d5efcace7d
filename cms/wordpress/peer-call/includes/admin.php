<?php
/**
 * Settings → Peer Call, with the Settings API: options.php checks the nonce (settings_fields())
 * and the capability (manage_options) and runs the sanitize callbacks of includes/settings.php.
 *
 * @package PeerCall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

add_action( 'admin_init', 'peer_call_register_settings' );
add_action( 'admin_menu', 'peer_call_admin_menu' );

/** Registers both options and the fields of the page. */
function peer_call_register_settings() {
	register_setting(
		'peer_call',
		'peer_call_settings',
		array(
			'type'              => 'object',
			'sanitize_callback' => 'peer_call_sanitize_settings',
			'show_in_rest'      => false,
		)
	);
	register_setting(
		'peer_call',
		'peer_call_join_secret',
		array(
			'type'              => 'string',
			'sanitize_callback' => 'peer_call_sanitize_join_secret',
			'show_in_rest'      => false,
		)
	);

	add_settings_section( 'peer_call_server', __( 'Call server', 'peer-call' ), 'peer_call_section_server', 'peer-call' );
	add_settings_field( 'peer_call_server_url', __( 'Server URL', 'peer-call' ), 'peer_call_field_server_url', 'peer-call', 'peer_call_server', array( 'label_for' => 'peer_call_server_url' ) );
	add_settings_field( 'peer_call_join_secret', __( 'Join secret', 'peer-call' ), 'peer_call_field_join_secret', 'peer-call', 'peer_call_server', array( 'label_for' => 'peer_call_join_secret' ) );

	add_settings_section( 'peer_call_rooms', __( 'Rooms and visitors', 'peer-call' ), '__return_false', 'peer-call' );
	add_settings_field( 'peer_call_room_prefix', __( 'Room name prefix', 'peer-call' ), 'peer_call_field_room_prefix', 'peer-call', 'peer_call_rooms', array( 'label_for' => 'peer_call_room_prefix' ) );
	add_settings_field( 'peer_call_default_room', __( 'Default room', 'peer-call' ), 'peer_call_field_default_room', 'peer-call', 'peer_call_rooms', array( 'label_for' => 'peer_call_default_room' ) );
	add_settings_field( 'peer_call_anonymous', __( 'Visitors who are not logged in', 'peer-call' ), 'peer_call_field_anonymous', 'peer-call', 'peer_call_rooms' );
}

/** The menu entry. */
function peer_call_admin_menu() {
	add_options_page( __( 'Peer Call', 'peer-call' ), __( 'Peer Call', 'peer-call' ), 'manage_options', 'peer-call', 'peer_call_settings_page' );
}

/** Introduces the server section. */
function peer_call_section_server() {
	echo '<p>' . esc_html__( 'The peer-call signaling server your calls use. Add this site\'s address to its ALLOWED_ORIGINS.', 'peer-call' ) . ' <code>' . esc_html( home_url() ) . '</code></p>';
}

/** Server URL. */
function peer_call_field_server_url() {
	$settings = peer_call_settings();
	printf(
		'<input type="url" class="regular-text code" id="peer_call_server_url" name="peer_call_settings[server_url]" value="%s" placeholder="https://call.example.com" />',
		esc_attr( $settings['server_url'] )
	);
	echo '<p class="description">' . esc_html__( 'Its address, https:// (http:// only for a server on localhost). Pages load the call from <server>/peer-call.js.', 'peer-call' ) . '</p>';
}

/** Join secret: never printed; says whether one is set, and takes a replacement. */
function peer_call_field_join_secret() {
	if ( defined( 'PEER_CALL_JOIN_SECRET' ) ) {
		echo '<p><strong>' . esc_html__( 'Set in wp-config.php (PEER_CALL_JOIN_SECRET).', 'peer-call' ) . '</strong></p>';
		return;
	}
	$set = '' !== peer_call_join_secret();
	echo '<p class="peer-call-secret-status"><strong>' . ( $set ? esc_html__( 'set', 'peer-call' ) : esc_html__( 'not set', 'peer-call' ) ) . '</strong></p>';
	// The value is always empty: the secret never goes back to the browser.
	echo '<input type="password" class="regular-text code" id="peer_call_join_secret" name="peer_call_join_secret" value="" autocomplete="new-password" spellcheck="false" />';
	if ( $set ) {
		echo '<p><label><input type="checkbox" name="peer_call_remove_join_secret" value="1" /> ' . esc_html__( 'Remove the join secret', 'peer-call' ) . '</label></p>';
	}
	echo '<p class="description">' . esc_html__( 'The server\'s JOIN_SECRET (at least 16 characters). With it, every call carries a join token signed for its room, valid for an hour: logged-in users get their display name in it, editors and administrators the host role. Leave empty to keep the current secret.', 'peer-call' ) . '</p>';
}

/** Room name prefix. */
function peer_call_field_room_prefix() {
	$settings = peer_call_settings();
	printf(
		'<input type="text" class="regular-text code" id="peer_call_room_prefix" name="peer_call_settings[room_prefix]" value="%s" placeholder="myblog-" maxlength="32" />',
		esc_attr( $settings['room_prefix'] )
	);
	echo '<p class="description">' . esc_html__( 'Put in front of every room name, so that this site\'s rooms do not meet another site\'s on a shared server. Letters, digits and . _ ~ -', 'peer-call' ) . '</p>';
}

/** Default room. */
function peer_call_field_default_room() {
	$settings = peer_call_settings();
	printf(
		'<input type="text" class="regular-text code" id="peer_call_default_room" name="peer_call_settings[default_room]" value="%s" maxlength="64" />',
		esc_attr( $settings['default_room'] )
	);
	echo '<p class="description">' . esc_html__( 'The room of a block or shortcode that names none. Empty: one room per post or page (post-123).', 'peer-call' ) . '</p>';
}

/** Anonymous visitors: refuse or admit. */
function peer_call_field_anonymous() {
	$settings = peer_call_settings();
	$choices  = array(
		'admit'  => __( 'Admit them: they join with a name of their choice (and a token without name or role when a join secret is set).', 'peer-call' ),
		'refuse' => __( 'Refuse them: they see a message asking them to log in instead of the call.', 'peer-call' ),
	);
	echo '<fieldset><legend class="screen-reader-text">' . esc_html__( 'Visitors who are not logged in', 'peer-call' ) . '</legend>';
	foreach ( $choices as $value => $label ) {
		printf(
			'<label><input type="radio" name="peer_call_settings[anonymous]" value="%s"%s /> %s</label><br />',
			esc_attr( $value ),
			checked( $settings['anonymous'], $value, false ),
			esc_html( $label )
		);
	}
	echo '</fieldset>';
}

/** The page. */
function peer_call_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	echo '<div class="wrap"><h1>' . esc_html( get_admin_page_title() ) . '</h1>';
	// Under Settings, options.php redirects back with settings-updated and WordPress prints the
	// errors and the "Settings saved." notice itself (options-head.php).
	echo '<form action="' . esc_url( admin_url( 'options.php' ) ) . '" method="post">';
	settings_fields( 'peer_call' );
	do_settings_sections( 'peer-call' );
	submit_button();
	echo '</form>';
	echo '<h2>' . esc_html__( 'Using it', 'peer-call' ) . '</h2><p>'
		. esc_html__( 'Add the "Peer Call" block to a post or page, or the shortcode:', 'peer-call' )
		. ' <code>[peer-call room="weekly-standup"]</code></p></div>';
}
