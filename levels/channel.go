package levels

import (
	"fmt"
	"strings"
)

// Channel is the way an application is reached (art. 3 and 3.4).
// The zero value is ChannelPortal.
type Channel uint8

const (
	// ChannelPortal: a web portal (securitesociale.be, belgium.be, eHealth).
	ChannelPortal Channel = iota
	// ChannelFTP: file transfer over FTP or SFTP (art. 3.4).
	ChannelFTP
	// ChannelMQSeries: message queueing (art. 3.4, "other accepted channels").
	ChannelMQSeries
)

var channelNames = [...]string{"portal", "ftp", "mqseries"}

// String returns "portal", "ftp" or "mqseries".
func (c Channel) String() string {
	if int(c) < len(channelNames) {
		return channelNames[c]
	}
	return fmt.Sprintf("channel(%d)", uint8(c))
}

// ParseChannel parses a channel name; "sftp" and "(s)ftp" mean ChannelFTP,
// "mq" ChannelMQSeries, and the empty string ChannelPortal. Other input
// gives a [*ParseError].
func ParseChannel(s string) (Channel, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "portal", "":
		return ChannelPortal, nil
	case "ftp", "sftp", "(s)ftp":
		return ChannelFTP, nil
	case "mq", "mqseries":
		return ChannelMQSeries, nil
	}
	return 0, &ParseError{Kind: "channel", Input: s}
}

// MarshalText implements encoding.TextMarshaler.
func (c Channel) MarshalText() ([]byte, error) {
	if int(c) >= len(channelNames) {
		return nil, fmt.Errorf("levels: cannot marshal invalid channel %d", uint8(c))
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Channel) UnmarshalText(b []byte) error {
	v, err := ParseChannel(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
