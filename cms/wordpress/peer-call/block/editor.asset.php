<?php
/**
 * Dependencies of block/editor.js, written by hand (there is no build step): WordPress globals
 * it uses. The version busts browser caches when the plugin is updated.
 *
 * @package PeerCall
 */

return array(
	'dependencies' => array( 'wp-blocks', 'wp-block-editor', 'wp-components', 'wp-element', 'wp-i18n' ),
	'version'      => '0.1.0',
);
