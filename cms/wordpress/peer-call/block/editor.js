/**
 * The "Peer Call" block in the editor: plain JavaScript on WordPress's globals (no build step).
 * The block is dynamic: it saves only its attributes, and PHP renders the call
 * (peer_call_render_block), the same markup as the [peer-call] shortcode.
 */
( function ( wp ) {
	var el = wp.element.createElement;
	var __ = wp.i18n.__;
	var blockEditor = wp.blockEditor;
	var components = wp.components;

	wp.blocks.registerBlockType( 'peer-call/call', {
		edit: function ( props ) {
			var room = props.attributes.room || '';
			var setRoom = function ( value ) {
				props.setAttributes( { room: value.trim() } );
			};
			var roomField = function ( help ) {
				return el( components.TextControl, {
					label: __( 'Room', 'peer-call' ),
					value: room,
					onChange: setRoom,
					help: help,
				} );
			};
			return el(
				'div',
				blockEditor.useBlockProps(),
				el(
					blockEditor.InspectorControls,
					null,
					el(
						components.PanelBody,
						{ title: __( 'Call', 'peer-call' ) },
						roomField( __( 'Everyone who opens a page with this room is in the same call. Empty: the default room from Settings → Peer Call.', 'peer-call' ) )
					)
				),
				el(
					components.Placeholder,
					{
						icon: 'video-alt2',
						label: __( 'Peer Call', 'peer-call' ),
						instructions: room
							? __( 'Visitors of this page see the video call of this room here.', 'peer-call' )
							: __( 'Name the room of the call (letters, digits and . _ ~ -).', 'peer-call' ),
					},
					roomField()
				)
			);
		},
		save: function () {
			return null;
		},
	} );
} )( window.wp );
