<?php
/**
 * Deleting the plugin deletes its options, the join secret included.
 *
 * @package PeerCall
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

delete_option( 'peer_call_settings' );
delete_option( 'peer_call_join_secret' );
