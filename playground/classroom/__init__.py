"""The teacher's room without Streamlit: how students reach the server (LAN address, class
link, class code, QR code), the teacher key, one student's presence row and the class table's
"needs help" order, and the one-command class start (`python -m playground class`)."""
